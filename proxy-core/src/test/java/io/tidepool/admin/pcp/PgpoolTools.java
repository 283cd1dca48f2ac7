package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs pgpool-II's own command-line tools (Debian package {@code pgpool2}) in tests. A missing
 * tool fails the test with instructions: these tests prove compatibility and must not be skipped.
 */
public final class PgpoolTools {

    /** Where Debian puts them; {@code dpkg -L pgpool2} lists them. */
    private static final List<Path> DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"),
            Path.of("/usr/lib/postgresql/pgpool2/bin"));

    /** What a finished tool produced. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private PgpoolTools() {
    }

    /** The tool's path; fails the test when pgpool-II's tools are not installed. */
    public static Path locate(String tool) {
        for (Path dir : DIRECTORIES) {
            Path candidate = dir.resolve(tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("pgpool-II's tool '" + tool + "' is not installed, so compatibility cannot be tested. "
                + "Install Debian's pgpool2 package (apt-get install pgpool2); ./tidepool test installs it.");
    }

    /** Runs a tool with extra environment variables and no standard input; 30 s at most. */
    public static Result run(Map<String, String> environment, String tool, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(locate(tool).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = builder.start();
        CompletableFuture<String> out = readAll(process.getInputStream());
        CompletableFuture<String> err = readAll(process.getErrorStream());
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return fail(tool + " " + String.join(" ", args) + " did not finish within 30 s");
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e.getMessage() + ">";
            }
        });
    }
}
