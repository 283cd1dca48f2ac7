package io.tidepool.console.it;

import io.tidepool.console.ConsoleLauncher;
import io.tidepool.console.StartupClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the console in a JVM of its own, as {@code ./tidepool console} does, and prints the
 * time from JVM start to the first painted frame. The number is measured and printed, not
 * asserted: the machine is shared, and speed belongs to benchmarks (the target is under 2 s).
 */
class ConsoleStartupIT {

    private static final Pattern FIRST_PAINT = Pattern.compile("first paint (\\d+) ms after JVM start");

    @Test
    void consolePaintsItsFirstFrameAndReportsTheTime(@TempDir Path home) throws Exception {
        if (System.getenv("DISPLAY") == null) {
            throw new AssertionError("the startup test needs a display: run it with ./tidepool test or under xvfb-run");
        }
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dprism.order=sw",
                ConsoleLauncher.class.getName(), "--measure-startup=true"))
                .redirectErrorStream(true);
        pb.environment().put("XDG_CONFIG_HOME", home.toString());
        Process p = pb.start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(exited).as("the console exits after its first paint; output:%n%s", output).isTrue();
        Matcher m = FIRST_PAINT.matcher(output);
        assertThat(m.find()).as("the console reports its first paint; output:%n%s", output).isTrue();
        long ms = Long.parseLong(m.group(1));
        System.out.println(StartupClock.describe(ms) + " (target: under 2000 ms)");
        assertThat(ms).isPositive();
        assertThat(p.exitValue()).isZero();
    }
}
