package io.tidepool.app.bench;

import io.tidepool.ops.local.CommandResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PgBenchTest {

    private static CommandResult exited(int status, String stdout, String stderr) {
        return new CommandResult(List.of("pgbench"), status, stdout, stderr, Duration.ofSeconds(1));
    }

    @Test
    void aFailureReasonIsPgbenchsFirstErrorLine() {
        String stderr = """
                pgbench: error: connection to server at "127.0.0.1", port 40001 failed: timeout expired
                pgbench: error: could not create connection for client 40
                pgbench: fatal: Run was aborted; the above results are incomplete.
                """;
        assertThat(PgBench.reason(exited(2, "tps = 100.0\n", stderr))).isEqualTo(
                "connection to server at \"127.0.0.1\", port 40001 failed: timeout expired (exit status 2)");
    }

    @Test
    void withoutAnErrorLineTheLastLineIsTheReason() {
        assertThat(PgBench.reason(exited(1, "", "something odd\nKilled\n"))).isEqualTo("Killed (exit status 1)");
        assertThat(PgBench.reason(exited(1, "", ""))).isEqualTo("no output (exit status 1)");
    }
}
