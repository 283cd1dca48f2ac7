package io.tidepool.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end case: pgbench writes through the proxy, the primary is stopped with
 * {@code pg_ctl stop -m immediate}, the built-in failover promotes a standby, the third node
 * follows it, and writes through the proxy succeed again. Prints the time from the stop to the
 * first successful write.
 */
class FailoverThroughProxyIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    @TempDir
    Path dir;

    @Test
    void writesThroughTheProxySucceedAgainAfterThePrimaryIsStopped() throws Exception {
        try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of(
                "builtin_failover", "on", "health_check_period", "1", "health_check_max_retries", "2",
                "health_check_retry_delay", "1", "connect_timeout", "1000", "sr_check_period", "1")),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
            engine.start();
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

            AtomicBoolean stopped = new AtomicBoolean();
            AtomicLong firstWriteAfterStop = new AtomicLong();
            long stoppedAt = System.nanoTime();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (firstWriteAfterStop.get() == 0 && System.nanoTime() - stoppedAt < Duration.ofSeconds(90).toNanos()) {
                    try (Connection c = PgClients.jdbc(viaProxy); Statement s = c.createStatement()) {
                        s.execute("insert into failover_writes default values");
                        if (stopped.get()) {
                            firstWriteAfterStop.set(System.nanoTime());
                        }
                    } catch (SQLException e) {
                        // The primary is gone or still read-only: try again shortly.
                    }
                    sleep(50);
                }
            });
            pg.primary().stop(ShutdownMode.IMMEDIATE);
            stopped.set(true);
            writer.get();
            assertThat(firstWriteAfterStop.get()).as("a write through the proxy succeeded after the stop").isPositive();
            System.out.printf("failover through the proxy (built-in, health_check_period 1, max_retries 2): "
                    + "primary stopped -> first successful write: %d ms%n",
                    (firstWriteAfterStop.get() - stoppedAt) / 1_000_000);
            during.get();

            int newPrimary = engine.cluster().snapshot().primaryId().orElseThrow();
            assertThat(newPrimary).isIn(1, 2);
            LocalNode promoted = pg.cluster().nodes().get(newPrimary);
            LocalNode follower = pg.cluster().nodes().get(newPrimary == 1 ? 2 : 1);
            TidepoolEnginePcpIT.await(Duration.ofSeconds(60), () -> promoted.query(
                    "select application_name, state from pg_stat_replication")
                    .contains(List.of(follower.name(), "streaming")));

            CommandResult after = PgClients.pgbench(viaProxy, "-n", "-c", "4", "-T", "3");
            assertThat(after.exitCode()).as(after.describe()).isZero();
            assertThat(PgClients.tps(after).orElse(0)).isPositive();
            assertThat(engine.cluster().journal().events()).extracting(ClusterEvent::kind)
                    .contains(ClusterEvent.Kind.NODE_PROMOTED, ClusterEvent.Kind.NODE_FOLLOWED);
        }
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
                TidepoolEnginePcpIT.await(Duration.ofSeconds(30), () ->
                        engine.cluster().snapshot().nodes().get(2).status() == io.tidepool.cluster.NodeStatus.DOWN);
                try (Statement again = idle.createStatement()) {
                    assertThat(again.executeQuery("select count(*) from standby_gone").next()).isTrue();
                }
                s.execute("insert into standby_gone values (99)");
            }
            assertThat(engine.cluster().snapshot().primaryId()).hasValue(0);
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
