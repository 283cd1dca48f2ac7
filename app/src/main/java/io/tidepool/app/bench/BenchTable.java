package io.tidepool.app.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's result table: one row per workload, protocol and client count, a TPS and
 * latency column pair per target, then the subject's TPS divided by each other target's. A run
 * that failed shows {@code failed}, and its reason is listed under the table; a target a row
 * has no result for at all (it cannot run that workload) shows {@code n/a}.
 *
 * <pre>
 *                               direct              pgbouncer           tidepool            tidepool/  tidepool/
 * workload     protocol  clients  tps       lat ms    tps       lat ms    tps       lat ms    direct     pgbouncer
 * select-only  simple          8  24518.3    0.326    13378.9    0.598    14011.4    0.571    0.57       1.05
 * </pre>
 */
public final class BenchTable {
    /**
     * One row: a result per target name, empty where the run failed and absent where the target
     * cannot run the workload (shown {@code n/a}); {@code failures} holds the
     * reason for each target that failed.
     */
    public record Row(String workload, String protocol, int clients, Map<String, Optional<PgBenchResult>> results,
                      Map<String, String> failures) {
        public Row {
            results = new LinkedHashMap<>(results);
            failures = new LinkedHashMap<>(failures);
        }

        /** A select-only row without failure reasons. */
        public Row(String protocol, int clients, Map<String, Optional<PgBenchResult>> results) {
            this(BenchWorkload.SELECT_ONLY.title(), protocol, clients, results, Map.of());
        }
    }

    private BenchTable() {
    }

    /**
     * @param targets target names in column order
     * @param subject the target whose ratios to the others are shown ("tidepool")
     */
    public static String render(List<String> targets, String subject, List<Row> rows) {
        List<String> others = targets.stream().filter(t -> !t.equals(subject)).toList();
        StringBuilder out = new StringBuilder();
        StringBuilder top = new StringBuilder(String.format(Locale.ROOT, "%-12s %-9s %7s", "", "", ""));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-12s %-9s %7s", "workload", "protocol",
                "clients"));
        for (String target : targets) {
            top.append(String.format(Locale.ROOT, "  %-18s", target));
            header.append(String.format(Locale.ROOT, "  %9s %8s", "tps", "lat ms"));
        }
        for (String other : others) {
            top.append(String.format(Locale.ROOT, "  %-" + ratioWidth(other) + "s", subject + "/"));
            header.append(String.format(Locale.ROOT, "  %-" + ratioWidth(other) + "s", other));
        }
        out.append(top.toString().stripTrailing()).append('\n');
        out.append(header.toString().stripTrailing()).append('\n');
        StringBuilder reasons = new StringBuilder();
        for (Row row : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s %-9s %7d", row.workload(),
                    row.protocol(), row.clients()));
            for (String target : targets) {
                if (!row.results().containsKey(target)) {
                    line.append(String.format(Locale.ROOT, "  %9s %8s", "n/a", "-"));
                    continue;
                }
                Optional<PgBenchResult> result = row.results().get(target);
                line.append(result
                        .map(r -> String.format(Locale.ROOT, "  %9.1f %8.3f", r.tps(), r.latencyMillis()))
                        .orElse(String.format(Locale.ROOT, "  %9s %8s", "failed", "-")));
                if (result.isEmpty()) {
                    reasons.append(String.format(Locale.ROOT, "%s, %s %s %d clients: failed: %s\n", target,
                            row.workload(), row.protocol(), row.clients(),
                            row.failures().getOrDefault(target, "no result")));
                }
            }
            Optional<PgBenchResult> mine = row.results().getOrDefault(subject, Optional.empty());
            for (String other : others) {
                Optional<PgBenchResult> theirs = row.results().getOrDefault(other, Optional.empty());
                String ratio = mine.isPresent() && theirs.isPresent() && theirs.get().tps() > 0
                        ? String.format(Locale.ROOT, "%.2f", mine.get().tps() / theirs.get().tps())
                        : "-";
                line.append(String.format(Locale.ROOT, "  %-" + ratioWidth(other) + "s", ratio));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (!reasons.isEmpty()) {
            out.append('\n').append(reasons);
        }
        return out.toString();
    }

    /** A ratio column is as wide as the name of the target it divides by, and at least 10. */
    private static int ratioWidth(String other) {
        return Math.max(10, other.length());
    }
}
