package io.tidepool.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.app.TidepoolCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Keeps {@code ./tidepool bench failover} working: one round on fresh clusters, Tidepool with
 * built-in promotion and, where Debian's pgpool2 is installed, pgpool-II with a failover script.
 * Asserts that each side printed a time from the stop to the first write, never how long it was.
 */
class FailoverBenchCommandIT {

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void printsTheTimeFromThePrimaryStopToTheFirstWriteForEachSide() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TidepoolCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("bench", "failover", "-r", "1");

        String printed = out.toString();
        System.out.print(printed);
        assertThat(exit).as(err.toString()).isZero();
        assertThat(printed).containsPattern(
                "round 1: tidepool   primary stopped -> first write through the proxy +\\d+ ms \\(promotion recorded after \\d+ ms\\)")
                .containsPattern("tidepool, built-in failover: +\\d+ / \\d+ / \\d+")
                .contains("Settings: health_check_period = 1, health_check_max_retries = 2, health_check_retry_delay = 1.");
        if (PgpoolPeer.installed()) {
            assertThat(printed).as(err.toString())
                    .containsPattern("round 1: pgpool-II  primary stopped -> first write through pgpool-II +\\d+ ms")
                    .containsPattern("pgpool-II, failover_command script: +\\d+ / \\d+ / \\d+");
        } else {
            assertThat(err.toString()).contains("pgpool-II is not installed");
        }
    }
}
