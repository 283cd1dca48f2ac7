package io.tidepool.app.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PgBenchResultTest {

    @Test
    void readsThePgbench15Summary() {
        String output = """
                pgbench (15.14 (Debian 15.14-0+deb12u1))
                transaction type: <builtin: select only>
                scaling factor: 10
                query mode: prepared
                number of clients: 8
                number of threads: 2
                maximum number of tries: 1
                duration: 10 s
                number of transactions actually processed: 245183
                number of failed transactions: 0 (0.000%)
                latency average = 0.326 ms
                initial connection time = 9.876 ms
                tps = 24518.312345 (without initial connection time)
                """;
        assertThat(PgBenchResult.parse(output)).contains(new PgBenchResult(24518.312345, 0.326));
    }

    @Test
    void takesTheExcludingConnectionsLineOfOlderPgbench() {
        String output = """
                latency average = 0.500 ms
                tps = 15000.1 (including connections establishing)
                tps = 16000.2 (excluding connections establishing)
                """;
        assertThat(PgBenchResult.parse(output)).contains(new PgBenchResult(16000.2, 0.5));
    }

    @Test
    void noSummaryNoResult() {
        assertThat(PgBenchResult.parse("pgbench: error: connection to server failed")).isEmpty();
    }

    @Test
    void runsAtTheSameTimeAddUpTheirTpsAndWeighTheirLatencyByIt() {
        PgBenchResult together = PgBenchResult.together(List.of(new PgBenchResult(300, 1.0),
                new PgBenchResult(100, 3.0)));
        assertThat(together.tps()).isCloseTo(400, within(1e-9));
        assertThat(together.latencyMillis()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void meanOfRounds() {
        PgBenchResult mean = PgBenchResult.mean(List.of(new PgBenchResult(100, 1.0), new PgBenchResult(200, 2.0)));
        assertThat(mean.tps()).isCloseTo(150, within(1e-9));
        assertThat(mean.latencyMillis()).isCloseTo(1.5, within(1e-9));
    }
}
