package io.tidepool.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the dependency direction of DESIGN.md: proxy-core knows nothing of JavaFX, the console
 * or the launcher; the console sees the engine's public API, not its protocol internals.
 */
class ArchitectureTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void proxyCoreNeverImportsJavaFxConsoleOrLauncher() {
        assertThat(importsIn("proxy-core/src/main/java"))
                .filteredOn(i -> i.startsWith("javafx.") || i.startsWith("org.controlsfx.")
                        || i.startsWith("io.tidepool.console.") || i.startsWith("io.tidepool.app."))
                .isEmpty();
    }

    @Test
    void consoleNeverImportsLauncherOrProtocolInternals() {
        assertThat(importsIn("ui/src/main/java"))
                .filteredOn(i -> i.startsWith("io.tidepool.app.")
                        || i.startsWith("io.tidepool.protocol.")
                        || i.startsWith("io.tidepool.frontend.")
                        || i.startsWith("io.tidepool.backend."))
                .isEmpty();
    }

    @Test
    void scannerSeesTheSources() {
        // Guards the two tests above against passing on an empty or moved tree.
        assertThat(importsIn("proxy-core/src/main/java")).isNotEmpty();
    }

    private static List<String> importsIn(String sourceRoot) {
        Path dir = ROOT.resolve(sourceRoot);
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .flatMap(ArchitectureTest::importsOf)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<String> importsOf(Path file) {
        try {
            Matcher m = IMPORT.matcher(Files.readString(file));
            Stream.Builder<String> out = Stream.builder();
            while (m.find()) {
                out.add(m.group(1) + " (" + file.getFileName() + ")");
            }
            return out.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
