package io.tidepool.app.bench;

import io.tidepool.app.TidepoolCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code ./tidepool bench} and {@code bench streaming} working: tiny rows against real
 * servers. Asserts that every target produced a number or a stated reason for failing, never
 * how large the numbers are.
 */
class BenchCommandIT {

    private record Run(int exit, String out, String err) {
        /** The table's lines: the target names, the column titles, the rows (up to the blank line after them). */
        List<String> table() {
            List<String> lines = out.lines().toList();
            int titles = lines.indexOf(lines.stream().filter(l -> l.startsWith("workload")).findFirst().orElseThrow());
            return lines.subList(titles - 1, lines.size()).stream().takeWhile(line -> !line.isBlank()).toList();
        }
    }

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TidepoolCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsATableWithAResultForEveryTarget() {
        Run run = bench("bench", "-T", "1", "-c", "2", "-M", "extended", "-r", "1", "-s", "1", "--warmup", "0");

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> table = run.table();
        assertThat(table).hasSizeGreaterThan(2);
        boolean withPgBouncer = PgBouncerTarget.findProgram().isPresent();
        assertThat(table.get(1)).endsWith(withPgBouncer ? "direct      pgbouncer" : "direct");
        String row = table.get(2);
        assertThat(row).startsWith("select-only  extended").doesNotContain("failed");
        // workload, protocol, clients, then tps + latency for each target, then one ratio per other target.
        int targets = withPgBouncer ? 3 : 2;
        assertThat(row.trim().split("\\s+")).hasSize(3 + 2 * targets + (targets - 1));
    }

    /**
     * pgpool-II keeps 32 children here, so its 64-client rows cannot be served: they must end as
     * a failure with pgbench's reason instead of hanging the bench. Every target serves 2 clients.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void streamingModeGivesEveryTargetANumberOrAReasonAndNeverHangsOnPgpoolsChildLimit() {
        Run run = bench("bench", "streaming", "-T", "1", "-c", "2,64", "-M", "extended", "-r", "1", "-s", "1",
                "--warmup", "0");

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> targets = new ArrayList<>(List.of("direct", "direct-spread"));
        if (PgBouncerTarget.findProgram().isPresent()) {
            targets.add("pgbouncer");
        }
        if (PgpoolPeer.installed()) {
            targets.add("pgpool-II");
        }
        targets.add("tidepool-primary");
        targets.add("tidepool");
        // tidepool/ each other target, tidepool-primary/pgbouncer when PgBouncer ran, direct-spread/direct
        int ratios = targets.size() - 1 + (targets.contains("pgbouncer") ? 1 : 0) + 1;
        List<String> table = run.table();
        assertThat(table.get(0).trim().split("\\s+")).as(run.out())
                .startsWith(targets.toArray(String[]::new));
        List<String> rows = table.subList(2, table.size());
        assertThat(rows).as(run.out()).hasSize(4);
        for (String row : rows) {
            String[] cells = row.trim().split("\\s+");
            assertThat(cells).as(row).hasSize(3 + 2 * targets.size() + ratios);
            for (int t = 0; t < targets.size(); t++) {
                String tps = cells[3 + 2 * t];
                if (List.of("tidepool-primary", "direct-spread").contains(targets.get(t)) && row.startsWith("tpcb-like")) {
                    assertThat(tps).as(targets.get(t) + " runs select-only rows only: " + row).isEqualTo("n/a");
                } else if (tps.equals("failed")) {
                    String rowName = cells[0] + " " + cells[1] + " " + cells[2] + " clients";
                    assertThat(run.out()).as("the reason for %s, %s", targets.get(t), rowName)
                            .containsPattern(Pattern.quote(targets.get(t) + ", " + rowName
                                    + ": failed: ") + "\\S.*");
                } else {
                    assertThat(Double.parseDouble(tps)).as(row).isPositive();
                }
            }
        }
        assertThat(rows.get(0)).startsWith("select-only  extended        2");
        assertThat(rows.get(1)).startsWith("select-only  extended       64");
        assertThat(rows.get(2)).startsWith("tpcb-like    extended        2");
        assertThat(rows.get(3)).startsWith("tpcb-like    extended       64");
        // Without load balancing every read reached the primary; with it, the counts are listed too.
        assertThat(run.out()).containsPattern("\\n  tidepool-primary +node 0 \\(primary\\) [1-9]\\d*,"
                + " node 1 \\(standby\\) 0, node 2 \\(standby\\) 0\\n");
        assertThat(run.out()).containsPattern("\\n  tidepool +node 0 \\(primary\\) \\d+, node 1 \\(standby\\) \\d+,");
        // Only pgpool-II, at 64 clients, may fail: every other target serves every row it can run.
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = rows.get(r).trim().split("\\s+");
            for (int t = 0; t < targets.size(); t++) {
                boolean mayFail = targets.get(t).equals("pgpool-II") && (r == 1 || r == 3);
                if (!mayFail) {
                    assertThat(cells[3 + 2 * t]).as(targets.get(t) + " in " + rows.get(r)).isNotEqualTo("failed");
                }
            }
        }
    }
}
