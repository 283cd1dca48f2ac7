package io.tidepool.app.bench;

import io.tidepool.cluster.ClusterEvent;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.server.logging.LogSettings;
import io.tidepool.server.logging.LoggingSetup;
import io.tidepool.server.logging.MessageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./tidepool bench failover}: how long writes through the proxy fail when the primary
 * dies. Each round builds a primary with two standbys, starts the engine with the proxy and the
 * built-in failover ({@code health_check_period = 1}, {@code health_check_max_retries = 2}),
 * writes through the proxy in a loop, stops the primary with {@code pg_ctl stop -m immediate},
 * and measures the time to the promotion and to the first write that succeeds again.
 *
 * <p>pgpool-II (Debian's {@code pgpool2}, when installed) is measured the same way on a cluster
 * of its own in each round, with a {@code failover_command} that promotes the new main node.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = {"Time from an immediate stop of the primary to the first successful write through Tidepool.",
            "Built-in promotion and follow-primary, health_check_period 1, health_check_max_retries 2; one fresh",
            "3-node cluster per round."})
public final class FailoverBenchCommand implements Callable<Integer> {

    @Option(names = {"-r", "--rounds"}, paramLabel = "N", defaultValue = "3",
            description = "failovers to measure, each on a new cluster (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "2",
            description = "health_check_max_retries (default ${DEFAULT-VALUE})")
    int retries;

    @Option(names = "--no-pgpool", description = "leave pgpool-II out")
    boolean noPgpool;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One measured failover. */
    record Round(long promotedMillis, long firstWriteMillis) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        quietLogging();
        boolean pgpool = !noPgpool && PgpoolPeer.installed();
        if (!noPgpool && !pgpool) {
            err.println("tidepool bench failover: pgpool-II is not installed (/usr/sbin/pgpool), its column is left out"
                    + " (apt-get install pgpool2)");
        }
        List<Round> tidepool = new ArrayList<>();
        List<Long> pgpoolWrites = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            out.printf(Locale.ROOT, "round %d: creating a primary with two standbys ...%n", round);
            out.flush();
            try (LocalCluster cluster = newCluster()) {
                Round r = measure(cluster);
                tidepool.add(r);
                out.printf(Locale.ROOT, "round %d: tidepool   primary stopped -> first write through the proxy %6d ms"
                        + " (promotion recorded after %d ms)%n", round, r.firstWriteMillis(), r.promotedMillis());
                out.flush();
            }
            if (pgpool) {
                try (LocalCluster cluster = newCluster(); PgpoolPeer peer = PgpoolPeer.forFailover(cluster, retries)) {
                    long ms = firstWriteAfterStop(cluster, () -> peer.connect(2)).firstWriteMillis();
                    pgpoolWrites.add(ms);
                    out.printf(Locale.ROOT, "round %d: pgpool-II  primary stopped -> first write through pgpool-II %6d ms%n",
                            round, ms);
                } catch (IllegalStateException e) {
                    err.printf(Locale.ROOT, "round %d: pgpool-II failed: %s%n", round, e.getMessage());
                }
                out.flush();
            }
        }
        out.println();
        out.printf(Locale.ROOT, "first write after the primary stopped, ms (min / median / max over %d round(s)):%n", rounds);
        out.printf(Locale.ROOT, "  tidepool, built-in failover:         %s%n",
                summary(tidepool.stream().map(Round::firstWriteMillis).toList()));
        if (pgpool) {
            out.printf(Locale.ROOT, "  pgpool-II, failover_command script:  %s%n", summary(pgpoolWrites));
        }
        out.printf(Locale.ROOT, "Settings: health_check_period = 1, health_check_max_retries = %d, health_check_retry_delay = 1.%n",
                retries);
        out.flush();
        return 0;
    }

    private static LocalCluster newCluster() {
        return LocalCluster.builder().standbys(2).superuser("postgres", "postgres").build();
    }

    private Round measure(LocalCluster cluster) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        List<LocalNode> nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            settings.put("backend_hostname" + i, nodes.get(i).host());
            settings.put("backend_port" + i, Integer.toString(nodes.get(i).port()));
        }
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("port", "0");
        settings.put("unix_socket_directories", "");
        settings.put("work_dir", cluster.baseDirectory().toString());
        settings.put("health_check_period", "1");
        settings.put("health_check_max_retries", Integer.toString(retries));
        settings.put("health_check_retry_delay", "1");
        settings.put("connect_timeout", "1000");
        settings.put("health_check_user", "postgres");
        settings.put("health_check_password", "postgres");
        settings.put("sr_check_user", "postgres");
        settings.put("sr_check_password", "postgres");
        settings.put("builtin_failover", "on");
        try (TidepoolEngine engine = new TidepoolEngine(PgpoolConfig.fromMap(settings),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
            engine.start();
            String url = "jdbc:postgresql://127.0.0.1:" + engine.proxy().orElseThrow().tcpAddress().getPort()
                    + "/postgres";
            Outage outage = firstWriteAfterStop(cluster, () -> connect(url));
            // A write may succeed on the promoted node a moment before the engine has recorded the promotion.
            Optional<ClusterEvent> promotion = Optional.empty();
            long eventDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (promotion.isEmpty() && System.nanoTime() < eventDeadline) {
                promotion = engine.cluster().journal().events().stream()
                        .filter(e -> e.kind() == ClusterEvent.Kind.NODE_PROMOTED).findFirst();
                Thread.sleep(20);
            }
            long promoted = promotion.map(e -> Duration.between(outage.stoppedAt(), e.at()).toMillis()).orElse(-1L);
            return new Round(promoted, outage.firstWriteMillis());
        }
    }

    /** When the primary was stopped, and how long until a write succeeded again. */
    record Outage(Instant stoppedAt, long firstWriteMillis) {
    }

    /**
     * Writes through {@code connect} in a loop, stops the primary (immediate) meanwhile, and
     * returns how long after the stop began a write succeeded on another node. The writer runs from
     * before the stop, so the time {@code pg_ctl stop} itself takes to return is not counted on
     * top; a write counts only when the server that took it is not the stopped one (its port, from
     * {@code inet_server_port()}), so a write the old primary finished while dying does not either.
     */
    private static Outage firstWriteAfterStop(LocalCluster cluster, Callable<Connection> connect) throws Exception {
        try (Connection c = connect.call(); Statement s = c.createStatement()) {
            s.execute("create table if not exists bench_failover(id bigserial primary key, at timestamptz default now())");
        }
        cluster.awaitCaughtUp();
        int oldPrimaryPort = cluster.primary().port();
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicLong stoppedAt = new AtomicLong();
        CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                try (Connection c = connect.call(); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("insert into bench_failover default values returning inet_server_port()")) {
                    r.next();
                    if (stopping.get() && r.getInt(1) != oldPrimaryPort) {
                        return (System.nanoTime() - stoppedAt.get()) / 1_000_000;
                    }
                } catch (Exception e) {
                    // The primary is gone, or not promoted yet: try again shortly.
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new IllegalStateException("no write succeeded within 2 minutes of stopping the primary");
        });
        Thread.sleep(500);
        Instant stoppedInstant = Instant.now();
        stoppedAt.set(System.nanoTime());
        stopping.set(true);
        cluster.primary().stop(ShutdownMode.IMMEDIATE);
        try {
            return new Outage(stoppedInstant, writer.get());
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getCause());
        }
    }

    private static Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "postgres");
        props.setProperty("connectTimeout", "2");
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection(url, props);
    }

    static String summary(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "-";
        }
        return sorted.get(0) + " / " + sorted.get(sorted.size() / 2) + " / " + sorted.get(sorted.size() - 1);
    }

    /** The engine's own log lines would interleave with the results: errors only. */
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
