package io.tidepool.app.bench;

import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.server.logging.LogSettings;
import io.tidepool.server.logging.LoggingSetup;
import io.tidepool.server.logging.MessageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./tidepool bench}: pgbench select-only against PostgreSQL directly, through PgBouncer
 * and through Tidepool, on a temporary cluster, and a table of the results.
 *
 * <p>A benchmark, not a test: it asserts nothing, and its numbers depend on the machine. The
 * targets run interleaved within each row (see {@link InterleavedRuns}). On a small machine
 * pgbench, PgBouncer, the proxy and PostgreSQL share the same cores, and pgbench's own CPU use
 * is part of every number: compare ratios, not absolute TPS.
 *
 * <p>Further modes are subcommands of this one: {@code bench streaming} (three nodes, load
 * balancing, pgpool-II beside Tidepool) and {@code bench failover}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {StreamingBenchCommand.class, FailoverBenchCommand.class},
        description = {
            "pgbench select-only directly, through PgBouncer and through Tidepool, side by side.",
            "Simple, extended and prepared protocols, 8 and 64 clients, the targets interleaved, on a temporary",
            "local cluster; prints TPS, latency and ratios. All share this machine's CPUs: compare the ratios."})
public final class BenchCommand implements Callable<Integer> {
    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    @Option(names = {"-c", "--clients"}, paramLabel = "N", split = ",", defaultValue = "8,64",
            description = "client counts, one row each (default ${DEFAULT-VALUE})")
    List<Integer> clientCounts;

    @Mixin
    PgBenchOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        quietLogging();
        int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(8);

        out.println("Creating a temporary PostgreSQL primary ...");
        out.flush();
        try (LocalCluster cluster = LocalCluster.builder()
                .standbys(0)
                .superuser(USER, PASSWORD)
                // Every target keeps its own server connections open: room for all of them at once.
                .setting("max_connections", Integer.toString(4 * maxClients + 50))
                .build()) {
            return measure(cluster, out, err, maxClients);
        }
    }

    /** Runs inside the cluster's lifetime: the targets are stopped before the cluster and its directory go. */
    private int measure(LocalCluster cluster, PrintWriter out, PrintWriter err, int maxClients) throws Exception {
        List<BenchTarget> targets = new ArrayList<>();
        try {
            LocalNode primary = cluster.primary();
            PgBench pgbench = new PgBench(cluster.binaries().pgbench(), USER, PASSWORD, "postgres");
            DirectTarget direct = new DirectTarget(primary.host(), primary.port());
            targets.add(direct);
            out.printf(Locale.ROOT, "Initialising pgbench tables, scale %d ...%n", run.scale);
            out.flush();
            pgbench.initialise(direct, run.scale);

            if (!run.noPgBouncer) {
                pgBouncerProgram(err).ifPresent(program ->
                        targets.add(startPgBouncer(program, cluster, primary, maxClients)));
            }
            targets.add(TidepoolTarget.raw(primary.host(), primary.port(), maxClients, run.tidepoolTuning(),
                    cluster.baseDirectory().resolve("tidepool")));

            out.printf(Locale.ROOT, "pgbench -S, %d s per run, %d round(s), %d pgbench thread(s), %d CPU(s) shared by all%n",
                    run.durationSeconds, run.rounds, run.pgbenchThreads(), Runtime.getRuntime().availableProcessors());
            out.flush();
            InterleavedRuns runs = new InterleavedRuns(pgbench, targets, run, out, err);
            runs.warmUp(maxClients);
            List<BenchTable.Row> rows = new ArrayList<>();
            for (String protocol : run.protocols) {
                for (int clients : clientCounts) {
                    rows.add(runs.row(BenchWorkload.SELECT_ONLY, protocol, clients));
                }
            }
            out.println();
            out.print(BenchTable.render(targets.stream().map(BenchTarget::name).toList(), "tidepool", rows));
            out.println();
            out.println("tps: transactions per second (mean of the rounds); lat ms: pgbench's average latency.");
            out.println("Tidepool ran as its own process (the headless server); pgbench, PgBouncer, Tidepool and PostgreSQL"
                    + " shared the same CPUs.");
            out.flush();
            return 0;
        } finally {
            for (BenchTarget target : targets) {
                target.close();
            }
        }
    }

    /** PgBouncer in session mode in front of {@code primary}, started from {@code program}. */
    static BenchTarget startPgBouncer(Path program, LocalCluster cluster, LocalNode primary, int maxClients) {
        return PgBouncerTarget.start(program, cluster.baseDirectory().resolve("pgbouncer"), cluster.serverUser(),
                primary.host(), primary.port(), USER, PASSWORD, maxClients);
    }

    /** The pgbouncer program, or empty after saying on {@code err} that its columns are left out. */
    static Optional<Path> pgBouncerProgram(PrintWriter err) {
        Optional<Path> program = PgBouncerTarget.findProgram();
        if (program.isEmpty()) {
            err.println("tidepool bench: pgbouncer is not installed, its column is left out"
                    + " (installers/dev/install-deps.sh bench, or apt-get install pgbouncer)");
        }
        return program;
    }

    /** The proxy's own log lines would interleave with the table: errors only ("fatal" keeps errors, see MessageLevel). */
    static void quietLogging() {
        LogSettings defaults = LogSettings.defaults();
        try {
            LoggingSetup.forProcess().apply(new LogSettings(true, false, defaults.linePrefix(), MessageLevel.FATAL,
                    defaults.verbosity(), defaults.syslogFacility(), defaults.syslogIdent(), Optional.empty()));
        } catch (java.io.IOException e) {
            // stderr only: cannot fail.
        }
    }
}
