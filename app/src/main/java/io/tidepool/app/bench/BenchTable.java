package io.tidepool.app.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's result table: one row per workload, protocol and client count, a TPS and
 * latency column pair per target, then ratio columns: the subject's TPS divided by each other
 * target's, and any further {@link Ratio} asked for. A run
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

    /** A ratio column: {@code subject}'s TPS divided by {@code other}'s. */
    public record Ratio(String subject, String other) {
    }

    private BenchTable() {
    }

    /**
     * @param targets target names in column order
     * @param subject the target whose ratios to the others are shown ("tidepool")
     */
    public static String render(List<String> targets, String subject, List<Row> rows) {
        return render(targets, subject, rows, List.of());
    }

    /**
     * {@link #render(List, String, List)} with {@code more} ratio columns after the subject's.
     */
    public static String render(List<String> targets, String subject, List<Row> rows, List<Ratio> more) {
        List<Ratio> ratios = new ArrayList<>();
        targets.stream().filter(t -> !t.equals(subject)).forEach(other -> ratios.add(new Ratio(subject, other)));
        ratios.addAll(more);
        StringBuilder out = new StringBuilder();
        StringBuilder top = new StringBuilder(String.format(Locale.ROOT, "%-12s %-9s %7s", "", "", ""));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-12s %-9s %7s", "workload", "protocol",
                "clients"));
        for (String target : targets) {
            top.append(String.format(Locale.ROOT, "  %-18s", target));
            header.append(String.format(Locale.ROOT, "  %9s %8s", "tps", "lat ms"));
        }
        for (Ratio ratio : ratios) {
            top.append(String.format(Locale.ROOT, "  %-" + ratioWidth(ratio) + "s", ratio.subject() + "/"));
            header.append(String.format(Locale.ROOT, "  %-" + ratioWidth(ratio) + "s", ratio.other()));
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
            for (Ratio ratio : ratios) {
                Optional<PgBenchResult> mine = row.results().getOrDefault(ratio.subject(), Optional.empty());
                Optional<PgBenchResult> theirs = row.results().getOrDefault(ratio.other(), Optional.empty());
                String value = mine.isPresent() && theirs.isPresent() && theirs.get().tps() > 0
                        ? String.format(Locale.ROOT, "%.2f", mine.get().tps() / theirs.get().tps())
                        : "-";
                line.append(String.format(Locale.ROOT, "  %-" + ratioWidth(ratio) + "s", value));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (!reasons.isEmpty()) {
            out.append('\n').append(reasons);
        }
        return out.toString();
    }

    /** A ratio column is as wide as its two header lines, and at least 10. */
    private static int ratioWidth(Ratio ratio) {
        return Math.max(10, Math.max(ratio.subject().length() + 1, ratio.other().length()));
    }
}
