package io.tidepool.app.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs pgbench against several targets <em>interleaved</em>: within each row every target runs
 * once per round (A B C D A B C D), so that a slow spell of the machine (another process,
 * thermal throttling) hits all of them alike instead of one. A target that fails in a row is
 * not run again in that row; its reason goes into the row.
 */
final class InterleavedRuns {
    private final PgBench pgbench;
    private final List<BenchTarget> targets;
    private final PgBenchOptions options;
    private final PrintWriter out;
    private final PrintWriter err;

    InterleavedRuns(PgBench pgbench, List<BenchTarget> targets, PgBenchOptions options, PrintWriter out,
                    PrintWriter err) {
        this.pgbench = pgbench;
        this.targets = List.copyOf(targets);
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /**
     * One unreported select-only run per target and protocol with {@code clients} clients (at
     * most the target's own limit), so that no target is measured cold (JIT, caches, pools). Every
     * protocol is warmed, not only the first: a JVM compiles the extended protocol's path (Parse,
     * Bind, Execute) only when it runs, and the first measured round of that row would otherwise
     * pay for the compilation that PgBouncer and pgpool-II never need.
     */
    void warmUp(int clients) {
        if (options.warmupSeconds <= 0) {
            return;
        }
        out.printf(Locale.ROOT, "Warming up each target for %d s per protocol ...%n", options.warmupSeconds);
        out.flush();
        for (String protocol : options.protocols) {
            for (BenchTarget target : targets) {
                try {
                    pgbench.run(target, BenchWorkload.SELECT_ONLY, protocol, Math.min(clients, target.clientLimit()),
                            options.pgbenchThreads(), Duration.ofSeconds(options.warmupSeconds));
                } catch (IllegalStateException e) {
                    err.println("tidepool bench: warm-up of " + target.name() + " (" + protocol + ") failed: "
                            + e.getMessage());
                }
            }
        }
    }

    /** Every round of one row; the mean per target, or its failure. */
    BenchTable.Row row(BenchWorkload workload, String protocol, int clients) {
        Map<String, List<PgBenchResult>> runs = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds; round++) {
            for (BenchTarget target : targets) {
                if (failures.containsKey(target.name()) || !target.runs(workload)) {
                    continue;
                }
                try {
                    PgBenchResult result = pgbench.run(target, workload, protocol, clients, options.pgbenchThreads(),
                            options.duration());
                    runs.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(result);
                    out.printf(Locale.ROOT, "  %-11s %-8s %3d clients  round %d  %-16s %10.1f tps %8.3f ms%n",
                            workload.title(), protocol, clients, round, target.name(), result.tps(),
                            result.latencyMillis());
                } catch (IllegalStateException e) {
                    failures.put(target.name(), e.getMessage());
                    err.printf(Locale.ROOT, "  %-11s %-8s %3d clients  %-16s failed: %s%n", workload.title(), protocol,
                            clients, target.name(), e.getMessage());
                }
                out.flush();
                err.flush();
            }
        }
        Map<String, Optional<PgBenchResult>> results = new LinkedHashMap<>();
        for (BenchTarget target : targets) {
            if (!target.runs(workload)) {
                continue; // not in the row's results: the table shows n/a
            }
            List<PgBenchResult> done = runs.getOrDefault(target.name(), List.of());
            results.put(target.name(), failures.containsKey(target.name()) || done.isEmpty()
                    ? Optional.empty() : Optional.of(PgBenchResult.mean(done)));
        }
        return new BenchTable.Row(workload.title(), protocol, clients, results, failures);
    }
}
