package io.tidepool.app.bench;

import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.server.logging.LogSettings;
import io.tidepool.server.logging.LoggingSetup;
import io.tidepool.server.logging.MessageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./tidepool bench}: pgbench select-only against PostgreSQL directly, through PgBouncer
 * and through Tidepool, on a temporary cluster, and a table of the results.
 *
 * <p>A benchmark, not a test: it asserts nothing, and its numbers depend on the machine. The
 * targets run <em>interleaved</em> within each row (direct, PgBouncer, Tidepool, direct, ...),
 * so that a slow spell of the machine (another process, thermal throttling) hits all of
 * them alike instead of one. On a small machine pgbench, PgBouncer, the proxy and PostgreSQL
 * share the same cores, and pgbench's own CPU use is part of every number: compare ratios,
 * not absolute TPS.
 *
 * <p>Further modes are subcommands of this one: {@code bench failover} (issue 4); pgpool-II
 * and streaming-mode Tidepool become further targets (issue 3).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = FailoverBenchCommand.class,
        description = {
            "pgbench select-only directly, through PgBouncer and through Tidepool, side by side.",
            "Simple, extended and prepared protocols, 8 and 64 clients, the targets interleaved, on a temporary",
            "local cluster; prints TPS, latency and ratios. All share this machine's CPUs: compare the ratios."})
public final class BenchCommand implements Callable<Integer> {
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    @Option(names = {"-T", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "length of each pgbench run (default ${DEFAULT-VALUE})")
    int durationSeconds;

    @Option(names = {"-c", "--clients"}, paramLabel = "N", split = ",", defaultValue = "8,64",
            description = "client counts, one row each (default ${DEFAULT-VALUE})")
    List<Integer> clientCounts;

    @Option(names = {"-M", "--protocols"}, paramLabel = "P", split = ",", defaultValue = "simple,extended,prepared",
            description = "pgbench query protocols (default ${DEFAULT-VALUE})")
    List<String> protocols;

    @Option(names = {"-s", "--scale"}, paramLabel = "N", defaultValue = "10",
            description = "pgbench scale factor: 100,000 accounts each (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = {"-r", "--rounds"}, paramLabel = "N", defaultValue = "2",
            description = "runs per target and row, interleaved; the mean is shown (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = {"-j", "--threads"}, paramLabel = "N",
            description = "pgbench threads (default: the number of CPUs)")
    Integer threads;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "unreported run per target before measuring, so that no target is measured cold"
                    + " (JIT, caches, pools); 0 skips it (default ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--no-pgbouncer", description = "leave PgBouncer out")
    boolean noPgBouncer;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        quietLogging();
        int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(8);
        int pgbenchThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Duration duration = Duration.ofSeconds(durationSeconds);

        out.println("Creating a temporary PostgreSQL primary ...");
        out.flush();
        try (LocalCluster cluster = LocalCluster.builder()
                .standbys(0)
                .superuser(USER, PASSWORD)
                // Every target keeps its own server connections open: room for all of them at once.
                .setting("max_connections", Integer.toString(4 * maxClients + 50))
                .build()) {
            return measure(cluster, out, err, maxClients, pgbenchThreads, duration);
        }
    }

    /** Runs inside the cluster's lifetime: the targets are stopped before the cluster and its directory go. */
    private int measure(LocalCluster cluster, PrintWriter out, PrintWriter err, int maxClients, int pgbenchThreads,
                        Duration duration) throws Exception {
        List<BenchTarget> targets = new ArrayList<>();
        try {
            LocalNode primary = cluster.primary();
            PgBench pgbench = new PgBench(cluster.binaries().pgbench(), USER, PASSWORD, "postgres");
            DirectTarget direct = new DirectTarget(primary.host(), primary.port());
            targets.add(direct);
            out.printf(Locale.ROOT, "Initialising pgbench tables, scale %d ...%n", scale);
            out.flush();
            pgbench.initialise(direct, scale);

            if (!noPgBouncer) {
                Optional<Path> program = PgBouncerTarget.findProgram();
                if (program.isPresent()) {
                    targets.add(PgBouncerTarget.start(program.get(), cluster.baseDirectory().resolve("pgbouncer"),
                            cluster.serverUser(), primary.host(), primary.port(), USER, PASSWORD, maxClients));
                } else {
                    err.println("tidepool bench: pgbouncer is not installed, its column is left out"
                            + " (installers/dev/install-deps.sh bench, or apt-get install pgbouncer)");
                }
            }
            targets.add(TidepoolTarget.start(primary.host(), primary.port(), maxClients));

            out.printf(Locale.ROOT, "pgbench -S, %d s per run, %d round(s), %d pgbench thread(s), %d CPU(s) shared by all%n",
                    durationSeconds, rounds, pgbenchThreads, Runtime.getRuntime().availableProcessors());
            out.flush();
            if (warmupSeconds > 0) {
                out.printf(Locale.ROOT, "Warming up each target for %d s ...%n", warmupSeconds);
                out.flush();
                for (BenchTarget target : targets) {
                    try {
                        pgbench.selectOnly(target, protocols.get(0), maxClients, pgbenchThreads,
                                Duration.ofSeconds(warmupSeconds));
                    } catch (IllegalStateException e) {
                        err.println("tidepool bench: warm-up of " + target.name() + " failed: " + e.getMessage());
                    }
                }
            }
            List<BenchTable.Row> rows = new ArrayList<>();
            for (String protocol : protocols) {
                for (int clients : clientCounts) {
                    rows.add(measureRow(out, err, pgbench, targets, protocol, clients, pgbenchThreads, duration));
                }
            }
            out.println();
            out.print(BenchTable.render(targets.stream().map(BenchTarget::name).toList(), "tidepool", rows));
            out.println();
            out.println("tps: transactions per second (mean of the rounds); lat ms: pgbench's average latency.");
            out.println("Tidepool ran inside this JVM; pgbench, PgBouncer, Tidepool and PostgreSQL shared the same CPUs.");
            out.flush();
            return 0;
        } finally {
            for (BenchTarget target : targets) {
                target.close();
            }
        }
    }

    private BenchTable.Row measureRow(PrintWriter out, PrintWriter err, PgBench pgbench, List<BenchTarget> targets,
                                      String protocol, int clients, int threads, Duration duration) {
        Map<String, List<PgBenchResult>> runs = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (BenchTarget target : targets) {
                if (failures.containsKey(target.name())) {
                    continue;
                }
                try {
                    PgBenchResult result = pgbench.selectOnly(target, protocol, clients, threads, duration);
                    runs.computeIfAbsent(target.name(), k -> new ArrayList<>()).add(result);
                    out.printf(Locale.ROOT, "  %-8s %3d clients  round %d  %-10s %10.1f tps %8.3f ms%n",
                            protocol, clients, round, target.name(), result.tps(), result.latencyMillis());
                } catch (IllegalStateException e) {
                    failures.put(target.name(), e.getMessage());
                    err.printf(Locale.ROOT, "  %-8s %3d clients  %-10s failed: %s%n", protocol, clients, target.name(),
                            e.getMessage());
                }
                out.flush();
            }
        }
        Map<String, Optional<PgBenchResult>> results = new LinkedHashMap<>();
        for (BenchTarget target : targets) {
            List<PgBenchResult> done = runs.getOrDefault(target.name(), List.of());
            results.put(target.name(), failures.containsKey(target.name()) || done.isEmpty()
                    ? Optional.empty() : Optional.of(PgBenchResult.mean(done)));
        }
        return new BenchTable.Row(protocol, clients, results);
    }

    /** The proxy's own log lines would interleave with the table: errors only ("fatal" keeps errors, see MessageLevel). */
    private static void quietLogging() {
        LogSettings defaults = LogSettings.defaults();
        try {
            LoggingSetup.forProcess().apply(new LogSettings(true, false, defaults.linePrefix(), MessageLevel.FATAL,
                    defaults.verbosity(), defaults.syslogFacility(), defaults.syslogIdent(), Optional.empty()));
        } catch (java.io.IOException e) {
            // stderr only: cannot fail.
        }
    }
}
