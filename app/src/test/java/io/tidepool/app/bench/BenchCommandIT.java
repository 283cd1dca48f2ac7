package io.tidepool.app.bench;

import io.tidepool.app.TidepoolCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code ./tidepool bench} working: one tiny row against a real primary, PgBouncer (when
 * installed) and the proxy. Asserts that every target produced a number, never how large.
 */
class BenchCommandIT {

    @Test
    void printsATableWithAResultForEveryTarget() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TidepoolCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("bench", "-T", "1", "-c", "2", "-M", "extended", "-r", "1", "-s", "1", "--warmup", "0");

        assertThat(exit).as(err.toString()).isZero();
        List<String> table = out.toString().lines().dropWhile(line -> !line.startsWith("protocol")).toList();
        assertThat(table).hasSizeGreaterThan(1);
        boolean withPgBouncer = PgBouncerTarget.findProgram().isPresent();
        assertThat(table.get(0)).endsWith(withPgBouncer ? "direct      pgbouncer" : "direct");
        String row = table.get(1);
        assertThat(row).startsWith("extended").doesNotContain("failed");
        // protocol, clients, then tps + latency for each target, then one ratio per other target.
        int targets = withPgBouncer ? 3 : 2;
        assertThat(row.trim().split("\\s+")).hasSize(2 + 2 * targets + (targets - 1));
    }
}
