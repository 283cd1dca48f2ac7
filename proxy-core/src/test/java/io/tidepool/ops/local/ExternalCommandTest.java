package io.tidepool.ops.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalCommandTest {

    @Test
    void capturesBothStreamsAndTheExitStatus() {
        CommandResult result = ExternalCommand.of("sh", "-c", "echo out; echo err >&2; exit 4").run();

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void orThrowPutsTheCommandAndItsOutputInTheMessage() {
        CommandResult result = ExternalCommand.of("sh", "-c", "echo broken >&2; exit 1").run();

        assertThatThrownBy(() -> result.orThrow("doing the thing"))
                .isInstanceOf(LocalClusterException.class)
                .hasMessageContaining("doing the thing failed with exit status 1")
                .hasMessageContaining("sh -c")
                .hasMessageContaining("broken");
    }

    @Test
    void timeoutKillsTheProcessTreeAndReportsOutputSoFar() {
        long started = System.nanoTime();

        assertThatThrownBy(() -> ExternalCommand.of("sh", "-c", "echo started; sleep 30 & wait")
                .timeout(Duration.ofMillis(500)).run())
                .isInstanceOf(LocalClusterException.class)
                .hasMessageContaining("timed out")
                .hasMessageContaining("started");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void postgresEnvironmentOfTheCallerDoesNotReachTheChild() {
        CommandResult result = ExternalCommand.of("sh", "-c", "env | grep '^PG' || true").env("PGAPPNAME", "kept").run();

        assertThat(result.stdout().trim()).isEqualTo("PGAPPNAME=kept");
    }

    @Test
    void standardInputIsFed() {
        assertThat(ExternalCommand.of("cat").stdin("hello").run().stdout()).isEqualTo("hello");
    }
}
