package io.tidepool.app.bench;

import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * {@code ./tidepool bench streaming}: a temporary primary with two streaming standbys, and
 * pgbench through Tidepool in streaming-replication mode with reads balanced over the three
 * nodes, beside pgpool-II (Debian's {@code pgpool2}) configured the same way, PgBouncer (session
 * mode, in front of the primary), the primary itself, and Tidepool without load balancing
 * ({@link TidepoolTarget#streamingToPrimary}), and pgbench's clients spread over the three nodes with no
 * proxy ({@link DirectSpreadTarget}).
 *
 * <p>Select-only ({@code -S}) is where load balancing shows: Tidepool and pgpool-II may send it
 * to any node, PgBouncer and direct only reach the primary. On one machine the nodes share its
 * CPUs, and a backend then runs between backends of other servers: PostgreSQL spends more CPU
 * per query with the reads spread than with all of them on one server (measured on 2 cores,
 * simple protocol: 49 against 38 us per transaction; 34 when each of two servers was pinned to
 * a CPU of its own). Tidepool without load balancing separates that from the relay: beside
 * PgBouncer it is the relay alone, beside Tidepool the placement alone; direct-spread beside
 * direct is the same placement with no proxy at all.
 *
 * <p>tpcb-like writes, so every statement goes to the primary whatever the target. pgpool-II
 * keeps its default {@code num_init_children = 32}: with more clients the surplus waits in the
 * listen queue and pgbench's connection timeout turns the row into a reported failure, never a
 * hang (see {@link PgBench#run}).
 */
@Command(name = "streaming", mixinStandardHelpOptions = true,
        description = {
            "pgbench on a primary with two streaming standbys: directly, through PgBouncer (to the primary),",
            "through pgpool-II and through Tidepool, both load balancing over the three nodes, and through",
            "Tidepool to the primary alone. Select-only (simple, extended, prepared) and tpcb-like, 8, 64 and",
            "256 clients, the targets interleaved; prints TPS, latency and ratios.",
            "With the defaults it takes about 22 minutes (-T 5 -r 1: about 7)."})
public final class StreamingBenchCommand implements Callable<Integer> {

    @Option(names = {"-c", "--clients"}, paramLabel = "N", split = ",", defaultValue = "8,64,256",
            description = "client counts, one row each (default ${DEFAULT-VALUE})")
    List<Integer> clientCounts;

    @Option(names = {"-w", "--workloads"}, paramLabel = "W", split = ",", defaultValue = "select-only,tpcb-like",
            description = "pgbench scripts: select-only, tpcb-like (default ${DEFAULT-VALUE});"
                    + " tpcb-like runs with the first protocol only")
    List<String> workloads;

    @Option(names = "--no-pgpool", description = "leave pgpool-II out")
    boolean noPgpool;

    @Option(names = "--pgpool-children", paramLabel = "N", defaultValue = "" + PgpoolPeer.DEFAULT_NUM_INIT_CHILDREN,
            description = "pgpool-II's num_init_children (default ${DEFAULT-VALUE}, pgpool-II's own default)")
    int pgpoolChildren;

    @Mixin
    PgBenchOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<BenchWorkload> chosen = new ArrayList<>();
        for (String name : workloads) {
            chosen.add(workload(name));
        }
        BenchCommand.quietLogging();
        int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(8);

        out.println("Creating a temporary PostgreSQL primary with two streaming standbys ...");
        out.flush();
        try (LocalCluster cluster = LocalCluster.builder()
                .standbys(2)
                .superuser(BenchCommand.USER, BenchCommand.PASSWORD)
                // Each target keeps its own server connections open (direct, PgBouncer's pool, the
                // two Tidepools' pools, pgpool-II's children), plus replication and checks: room for all.
                .setting("max_connections", Integer.toString(5 * maxClients + pgpoolChildren + 50))
                .build()) {
            return measure(cluster, chosen, out, err, maxClients);
        }
    }

    /**
     * {@code select_cnt} of each node from {@code SHOW pool_nodes}, as the target counted them:
     * shows whether the reads were spread at all.
     */
    private static String selectsPerNode(BenchTarget target) {
        try (Connection c = target.connect(5); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SHOW pool_nodes")) {
            StringJoiner counts = new StringJoiner(", ");
            while (rows.next()) {
                counts.add("node " + rows.getString("node_id") + " (" + rows.getString("role") + ") "
                        + rows.getString("select_cnt"));
            }
            return counts.toString();
        } catch (SQLException e) {
            return "not known: " + e.getMessage();
        }
    }

    private BenchWorkload workload(String name) {
        for (BenchWorkload w : BenchWorkload.values()) {
            if (w.title().equalsIgnoreCase(name.strip())) {
                return w;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "unknown workload '" + name + "': use select-only or tpcb-like");
    }

    /** Runs inside the cluster's lifetime: the targets are stopped before the cluster and its directory go. */
    private int measure(LocalCluster cluster, List<BenchWorkload> chosen, PrintWriter out, PrintWriter err,
                        int maxClients) throws Exception {
        List<BenchTarget> targets = new ArrayList<>();
        try {
            LocalNode primary = cluster.primary();
            PgBench pgbench = new PgBench(cluster.binaries().pgbench(), BenchCommand.USER, BenchCommand.PASSWORD,
                    "postgres");
            DirectTarget direct = new DirectTarget(primary.host(), primary.port());
            targets.add(direct);
            out.printf(Locale.ROOT, "Initialising pgbench tables, scale %d, and waiting for the standbys ...%n", run.scale);
            out.flush();
            pgbench.initialise(direct, run.scale);
            cluster.awaitCaughtUp();
            Optional<DirectSpreadTarget> spread = Optional.empty();
            if (chosen.contains(BenchWorkload.SELECT_ONLY)) {
                spread = Optional.of(DirectSpreadTarget.over(cluster.nodes()));
                targets.add(spread.get());
            }

            Optional<BenchTarget> pgbouncer = run.noPgBouncer ? Optional.empty()
                    : BenchCommand.pgBouncerProgram(err).map(program ->
                            BenchCommand.startPgBouncer(program, cluster, primary, maxClients));
            pgbouncer.ifPresent(targets::add);
            if (!noPgpool) {
                if (PgpoolPeer.installed()) {
                    targets.add(PgpoolPeer.forLoadBalancing(cluster, pgpoolChildren));
                } else {
                    err.println("tidepool bench: pgpool-II is not installed (" + PgpoolPeer.BINARY
                            + "), its column is left out (installers/dev/install-deps.sh bench, or apt-get install pgpool2)");
                }
            }
            Optional<TidepoolTarget> toPrimary = Optional.empty();
            if (chosen.contains(BenchWorkload.SELECT_ONLY)) {
                toPrimary = Optional.of(TidepoolTarget.streamingToPrimary(cluster.nodes(), BenchCommand.USER,
                        BenchCommand.PASSWORD, maxClients, run.tidepoolTuning(),
                        cluster.baseDirectory().resolve("tidepool-primary")));
                targets.add(toPrimary.get());
            }
            TidepoolTarget tidepool = TidepoolTarget.streaming(cluster.nodes(), BenchCommand.USER,
                    BenchCommand.PASSWORD, maxClients, run.tidepoolTuning(), cluster.baseDirectory().resolve("tidepool"));
            targets.add(tidepool);

            out.printf(Locale.ROOT, "%d s per run, %d round(s), %d pgbench thread(s), %d CPU(s) shared by all;"
                            + " pgpool-II with num_init_children = %d%n", run.durationSeconds, run.rounds,
                    run.pgbenchThreads(), Runtime.getRuntime().availableProcessors(), pgpoolChildren);
            out.flush();
            InterleavedRuns runs = new InterleavedRuns(pgbench, targets, run, out, err);
            runs.warmUp(maxClients);
            List<BenchTable.Row> rows = new ArrayList<>();
            for (BenchWorkload workload : chosen) {
                // Writes all go to the primary: one protocol is enough to compare the paths.
                List<String> protocols = workload == BenchWorkload.SELECT_ONLY ? run.protocols
                        : run.protocols.subList(0, 1);
                for (String protocol : protocols) {
                    for (int clients : clientCounts) {
                        rows.add(runs.row(workload, protocol, clients));
                    }
                }
            }
            out.println();
            List<BenchTable.Ratio> more = new ArrayList<>();
            // the relays alone: both reach the primary the same way
            if (toPrimary.isPresent() && pgbouncer.isPresent()) {
                more.add(new BenchTable.Ratio(toPrimary.get().name(), pgbouncer.get().name()));
            }
            // the placement alone, without a proxy: the reads spread over the nodes, or all on the primary
            spread.ifPresent(s -> more.add(new BenchTable.Ratio(s.name(), direct.name())));
            out.print(BenchTable.render(targets.stream().map(BenchTarget::name).toList(), tidepool.name(), rows, more));
            out.println();
            out.println("tps: transactions per second (mean of the rounds); lat ms: pgbench's average latency.");
            out.println("pgpool-II and Tidepool balance reads over the primary and two standbys (equal weights);"
                    + " PgBouncer and direct reach the primary only.");
            out.println("tidepool-primary: Tidepool with load_balance_mode = off, every read on the primary (select-only"
                    + " only). tidepool-primary/pgbouncer compares the relays alone, tidepool/tidepool-primary what"
                    + " spreading the reads over servers that share these CPUs costs or gains.");
            out.println("direct-spread: pgbench straight to the three nodes at once, its clients split evenly, no proxy"
                    + " (select-only only; one pgbench per node, at least one thread each). direct-spread/direct is what"
                    + " spreading the reads costs or gains with no proxy at all, tidepool/direct-spread the proxy with"
                    + " the reads placed alike.");
            out.println("SELECTs each sent per node over the whole bench (select_cnt of SHOW pool_nodes):");
            for (BenchTarget target : targets) {
                if (target instanceof PgpoolPeer || target instanceof TidepoolTarget) {
                    out.printf(Locale.ROOT, "  %-16s %s%n", target.name(), selectsPerNode(target));
                }
            }
            out.println("Tidepool ran as its own process (the headless server); pgbench, the poolers, Tidepool and the three PostgreSQL servers"
                    + " shared the same CPUs.");
            out.flush();
            return 0;
        } finally {
            for (BenchTarget target : targets) {
                target.close();
            }
        }
    }
}
