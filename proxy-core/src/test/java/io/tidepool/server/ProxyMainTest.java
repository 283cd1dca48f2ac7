package io.tidepool.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line itself; running servers are covered by {@code ProxyMainIT}. */
class ProxyMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ProxyMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rejectsAnUnknownStopMode() {
        assertThat(run("-m", "gentle", "stop")).isEqualTo(ProxyMain.EXIT_USAGE);
        assertThat(err()).contains("invalid stop mode 'gentle' (use smart, fast or immediate; s, f, i also work)");
    }

    @Test
    void rejectsAnUnknownAction() {
        assertThat(run("restart")).isEqualTo(ProxyMain.EXIT_USAGE);
        assertThat(err()).contains("restart");
    }

    @Test
    void acceptsModeBeforeOrAfterTheAction() {
        ProxyMain main = new ProxyMain(System.out, System.err);
        new picocli.CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("stop", "-m", "f");
        assertThat(main.action).isEqualTo(ProxyMain.Action.STOP);
        assertThat(main.mode).isEqualTo(ShutdownMode.FAST);
        main = new ProxyMain(System.out, System.err);
        new picocli.CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("-m", "immediate", "stop");
        assertThat(main.mode).isEqualTo(ShutdownMode.IMMEDIATE);
    }

    @Test
    void stopModeDefaultsToSmartLikePgpool() {
        ProxyMain main = new ProxyMain(System.out, System.err);
        new picocli.CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("stop");
        assertThat(main.mode).isEqualTo(ShutdownMode.SMART);
    }

    @Test
    void helpListsPgpoolOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("-f, --config-file", "-n, --dont-detach", "-D, --discard-status", "-m, --mode", "stop|reload");
    }
}
