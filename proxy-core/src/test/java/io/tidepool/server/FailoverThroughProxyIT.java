package io.tidepool.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end case: pgbench writes through the proxy, the primary is stopped with
 * {@code pg_ctl stop -m immediate}, a standby is promoted (by the built-in failover, or by
 * {@code failover_command} and {@code follow_primary_command} scripts), the third node follows it,
 * and writes through the proxy succeed again. Prints the time from the stop to the first
 * successful write.
 */
class FailoverThroughProxyIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    @TempDir
    Path dir;

    @Test
    void builtinFailoverUnderPgbenchPromotesAStandbyTheThirdFollowsAndWritesSucceedAgain() throws Exception {
        try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of(
                "builtin_failover", "on", "health_check_period", "1", "health_check_max_retries", "2",
                "health_check_retry_delay", "1", "connect_timeout", "5000", "sr_check_period", "1")),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
            engine.start();
            int newPrimary = failoverUnderPgbench(engine, "built-in");
            assertThat(newPrimary).isIn(1, 2);
            assertThat(engine.cluster().journal().events()).extracting(ClusterEvent::kind)
                    .contains(ClusterEvent.Kind.NODE_PROMOTED, ClusterEvent.Kind.NODE_FOLLOWED);
        }
    }

    @Test
    void scriptFailoverUnderPgbenchPromotesAStandbyTheThirdFollowsAndWritesSucceedAgain() throws Exception {
        LocalCluster cluster = pg.cluster();
        // The scripts do over SQL what an operator's scripts do: promote the new main node (%H:%r, the lowest
        // id alive, as pgpool-II picks it) and re-point every other standby (%h:%p) at it.
        String psql = cluster.binaries().psql() + " -X -q -v ON_ERROR_STOP=1 -U " + cluster.superuser() + " -d postgres";
        Path failover = script("failover.sh", "[ \"$1\" = \"$2\" ] || exit 0  # only a failed primary needs a promotion\n"
                + psql + " -h \"$3\" -p \"$4\" -c 'select pg_promote()'\n");
        StringBuilder follow = new StringBuilder("[ \"$1\" = \"$6\" ] && exit 0  # the failed old primary stays down\n"
                + "case \"$1\" in\n");
        for (int id = 1; id < cluster.nodes().size(); id++) {
            follow.append("  ").append(id).append(") app=").append(cluster.nodes().get(id).name()).append(" ;;\n");
        }
        follow.append("esac\n").append(psql).append(" -h \"$2\" -p \"$3\" -c \"alter system set primary_conninfo = ")
                .append("'host=$4 port=$5 user=").append(cluster.replicationUser()).append(" password=")
                .append(cluster.replicationPassword()).append(" application_name=$app'\" -c 'select pg_reload_conf()'\n");
        Path followScript = script("follow.sh", follow.toString());
        // The script promotes the lowest id, not the most advanced standby: node 2 replays a second late, so it
        // never has WAL past the promoted node's end, which it could not follow without pg_rewind (PostgreSQL's
        // rule, not the proxy's).
        pg.standby(2).execute("alter system set recovery_min_apply_delay = '1s'; select pg_reload_conf()");
        try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(cluster, dir, Map.of(
                "failover_command", ClusterConfigs.quote(failover + " %d %P %H %r"),
                "follow_primary_command", ClusterConfigs.quote(followScript + " %d %h %p %H %r %P"),
                "health_check_period", "1", "health_check_max_retries", "2", "health_check_retry_delay", "1",
                "connect_timeout", "5000", "sr_check_period", "1")),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
            engine.start();
            assertThat(failoverUnderPgbench(engine, "failover_command")).isEqualTo(1);
            assertThat(engine.cluster().journal().events()).anySatisfy(e -> {
                assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.FAILOVER_COMMAND);
                assertThat(e.message()).isEqualTo("failover_command for node 0 succeeded");
            }).anySatisfy(e -> {
                assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.FOLLOW_PRIMARY_COMMAND);
                assertThat(e.nodeId()).hasValue(2);
                assertThat(e.message()).contains("succeeded");
            }).noneMatch(e -> e.kind() == ClusterEvent.Kind.NODE_PROMOTED);
        }
    }

    /**
     * pgbench writes through the proxy while the primary is stopped with {@code pg_ctl stop -m
     * immediate}; returns the new primary once a write through the proxy succeeded again (the time
     * from the stop to that write is printed), the third node streams from it, and pgbench runs
     * cleanly through the proxy again.
     */
    private int failoverUnderPgbench(TidepoolEngine engine, String how) throws Exception {
        // The tests' connect_timeout is 5 s: a stopped node refuses at once, so it is detected no later,
        // while standbys slow to answer on a loaded machine are not detached before the primary fails.
        InetSocketAddress address = engine.proxy().orElseThrow().tcpAddress();
        PgEndpoint viaProxy = pg.primary().endpoint().withAddress("127.0.0.1", address.getPort());
        PgClients.pgbench(viaProxy, "-i", "-s", "1", "-q").orThrow("pgbench -i through the proxy");
        PgClients.psql(viaProxy, "create table failover_writes(id bigserial primary key, at timestamptz default now())")
                .orThrow("create table");
        pg.cluster().awaitCaughtUp();

        // pgbench keeps writing while the primary goes away; its clients abort then, which is expected.
        CompletableFuture<CommandResult> during = CompletableFuture.supplyAsync(() ->
                PgClients.pgbench(viaProxy, Duration.ofMinutes(2), "-n", "-c", "4", "-T", "8"));
        Thread.sleep(2000);

        // A write counts when a server other than the stopped one took it (a write the old primary
        // finished while dying does not), and the writer runs from before the stop, so the time
        // pg_ctl stop takes to return is not added on top.
        int oldPrimaryPort = pg.primary().port();
        AtomicLong firstWriteAfterStop = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> lastError = new java.util.concurrent.atomic.AtomicReference<>("");
        long stoppedAt = System.nanoTime();
        java.time.Instant stopInstant = java.time.Instant.now();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (firstWriteAfterStop.get() == 0 && System.nanoTime() - stoppedAt < Duration.ofSeconds(90).toNanos()) {
                try (Connection c = PgClients.jdbc(viaProxy); Statement s = c.createStatement();
                     java.sql.ResultSet r = s.executeQuery(
                             "insert into failover_writes default values returning inet_server_port()")) {
                    r.next();
                    if (r.getInt(1) != oldPrimaryPort) {
                        firstWriteAfterStop.set(System.nanoTime());
                    }
                } catch (SQLException e) {
                    // The primary is gone or still read-only: try again shortly.
                    lastError.set(e.getSQLState() + " " + e.getMessage());
                }
                sleep(20);
            }
        });
        pg.primary().stop(ShutdownMode.IMMEDIATE);
        writer.get();
        engine.cluster().journal().events().stream().filter(e -> !e.at().isBefore(stopInstant)).forEach(e ->
                System.out.printf("  +%d ms %s%n", Duration.between(stopInstant, e.at()).toMillis(), e.summary()));
        assertThat(firstWriteAfterStop.get()).as("a write through the proxy succeeded after the stop; last error: "
                + lastError.get()).isPositive();
        System.out.printf("failover through the proxy (%s, health_check_period 1, max_retries 2): "
                + "primary stopped -> first successful write: %d ms%n", how,
                (firstWriteAfterStop.get() - stoppedAt) / 1_000_000);
        during.get();

        int newPrimary = engine.cluster().snapshot().primaryId().orElseThrow();
        LocalNode promoted = pg.cluster().nodes().get(newPrimary);
        LocalNode follower = pg.cluster().nodes().get(newPrimary == 1 ? 2 : 1);
        assertThat(promoted.isInRecovery()).isFalse();
        Await.until(Duration.ofSeconds(60), () -> promoted.query(
                "select application_name, state from pg_stat_replication")
                .contains(List.of(follower.name(), "streaming")));
        long written = Long.parseLong(promoted.queryValue("select count(*) from failover_writes").orElseThrow());
        Await.until(Duration.ofSeconds(30), () -> Long.parseLong(
                follower.queryValue("select count(*) from failover_writes").orElse("0")) >= written);

        CommandResult after = PgClients.pgbench(viaProxy, "-n", "-c", "4", "-T", "3");
        assertThat(after.exitCode()).as(after.describe()).isZero();
        assertThat(PgClients.tps(after).orElse(0)).as(after.describe()).isPositive();
        return newPrimary;
    }

    private Path script(String name, String body) throws java.io.IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\nset -e\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void aSessionOnThePrimaryContinuesWhenAStandbyIsKilled() throws Exception {
        try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of(
                "health_check_period", "1", "health_check_max_retries", "0", "connect_timeout", "1000")),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
            engine.start();
            PgEndpoint viaProxy = pg.primary().endpoint().withAddress("127.0.0.1",
                    engine.proxy().orElseThrow().tcpAddress().getPort());
            try (Connection idle = PgClients.jdbc(viaProxy); Connection busy = PgClients.jdbc(viaProxy);
                 Statement s = busy.createStatement()) {
                s.execute("create table standby_gone(i int)");
                pg.standby(2).kill();
                for (int i = 0; i < 20; i++) {
                    s.execute("insert into standby_gone values (" + i + ")");
                    Thread.sleep(100);
                }
                Await.until(Duration.ofSeconds(30), () ->
                        engine.cluster().snapshot().nodes().get(2).status() == io.tidepool.cluster.NodeStatus.DOWN);
                try (Statement again = idle.createStatement()) {
                    assertThat(again.executeQuery("select count(*) from standby_gone").next()).isTrue();
                }
                s.execute("insert into standby_gone values (99)");
            }
            assertThat(engine.cluster().snapshot().primaryId()).hasValue(0);
        }
    }

    @Test
    void anIdleSessionWhoseStandbyIsKilledContinuesWithoutAnError() throws Exception {
        // Reads go to standby 2 alone, so the session holds a connection to it when it is killed.
        try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of(
                "health_check_period", "1", "health_check_max_retries", "0", "connect_timeout", "1000",
                "backend_weight0", "0", "backend_weight1", "0", "backend_weight2", "1")),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
            engine.start();
            PgEndpoint viaProxy = pg.primary().endpoint().withAddress("127.0.0.1",
                    engine.proxy().orElseThrow().tcpAddress().getPort());
            int standbyPort = pg.standby(2).port();
            try (Connection session = PgClients.jdbc(viaProxy); Statement s = session.createStatement()) {
                s.execute("create table idle_standby_gone(i int)");
                assertThat(port(s)).isEqualTo(standbyPort);

                pg.standby(2).kill();
                Thread.sleep(1000);
                // Idle while its standby went away: the next statements neither fail nor go there.
                s.execute("insert into idle_standby_gone values (1)");
                assertThat(port(s)).isNotEqualTo(standbyPort);
                Await.until(Duration.ofSeconds(30), () ->
                        engine.cluster().snapshot().nodes().get(2).status() == io.tidepool.cluster.NodeStatus.DOWN);
                try (java.sql.ResultSet rs = s.executeQuery("select count(*) from idle_standby_gone")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
        }
    }

    private static int port(Statement s) throws SQLException {
        try (java.sql.ResultSet rs = s.executeQuery("show port")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
