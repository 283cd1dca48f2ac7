package io.tidepool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgEndpoint;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code failover_on_backend_shutdown}: only a session can notice here (health check and
 * replication check are off), so a node that goes down proves that the session's report of its
 * backend's 57P01 reached the cluster owner. Reads go to standby 1 alone ({@code backend_weight}),
 * where a statement ({@code pg_sleep}, declared read-only) is running when the node is stopped
 * with {@code pg_ctl stop -m fast}.
 */
class BackendShutdownFailoverIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    @TempDir
    Path dir;

    private TidepoolEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private PgEndpoint start(Map<String, String> settings) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("health_check_period", "0", "sr_check_period", "0",
                "connect_timeout", "2000", "backend_weight0", "0", "backend_weight1", "1", "backend_weight2", "0",
                "read_only_function_list", "'pg_sleep'"));
        values.putAll(settings);
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, values),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true));
        engine.start();
        return pg.primary().endpoint().withAddress("127.0.0.1", engine.proxy().orElseThrow().tcpAddress().getPort());
    }

    @Test
    void aStandbyStoppedUnderASessionIsDetachedAndTheSessionGoesOnWithTheOthers() throws Exception {
        // failover_on_backend_error off: only the shutdown report can take the node down.
        PgEndpoint viaProxy = start(Map.of("failover_on_backend_shutdown", "on", "failover_on_backend_error", "off"));
        LocalNode standby = pg.standby(1);
        try (Connection session = PgClients.jdbc(viaProxy); Connection bystander = PgClients.jdbc(viaProxy);
             Statement st = session.createStatement(); Statement other = bystander.createStatement()) {
            other.execute("create table bystander(i int)");
            other.execute("begin");
            other.execute("insert into bystander values (1)");
            assertThat(serverPort(st)).isEqualTo(standby.port());

            CompletableFuture<Void> sleeping = runOnStandby(st, standby);
            standby.stop(ShutdownMode.FAST);
            SQLException error = errorOf(sleeping);
            assertThat(error.getSQLState()).isEqualTo("57P01");
            assertThat(error.getMessage()).contains("terminating connection due to administrator command");

            Await.until(Duration.ofSeconds(30), () -> nodeStatus(st, 1).equals("down"));
            assertThat(serverPort(st)).isNotEqualTo(standby.port());
            assertThat(nodeStatus(st, 0)).isEqualTo("up");
            assertThat(nodeStatus(st, 2)).isEqualTo("up");
            // A session that never used the stopped standby keeps its transaction.
            other.execute("insert into bystander values (2)");
            other.execute("commit");
        }
        assertThat(engine.cluster().journal().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.NODE_DOWN);
            assertThat(e.nodeId()).isEqualTo(OptionalInt.of(1));
            assertThat(e.message()).contains("reported shutdown").contains("57P01").contains("a new connection failed");
        });
        assertThat(engine.cluster().snapshot().primaryId()).hasValue(0);
    }

    @Test
    void withFailoverOnBackendShutdownOffAStoppedStandbyStaysUpEvenWithFailoverOnBackendError() throws Exception {
        // A server that says why it ends the session did not fail the connection: failover_on_backend_error
        // does not apply, and failover_on_backend_shutdown is off.
        PgEndpoint viaProxy = start(Map.of("failover_on_backend_shutdown", "off", "failover_on_backend_error", "on"));
        LocalNode standby = pg.standby(1);
        try (Connection session = PgClients.jdbc(viaProxy); Statement st = session.createStatement()) {
            assertThat(serverPort(st)).isEqualTo(standby.port());
            CompletableFuture<Void> sleeping = runOnStandby(st, standby);
            standby.stop(ShutdownMode.FAST);
            assertThat(errorOf(sleeping).getSQLState()).isEqualTo("57P01");

            // The report was made before the error reached the client; give the owner time to act on it.
            Thread.sleep(3000);
            assertThat(nodeStatus(st, 1)).isEqualTo("up");
            assertThat(st.executeQuery("select 1").next()).isTrue();
        }
        assertThat(engine.cluster().snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.UP);
        assertThat(engine.cluster().journal().events()).noneMatch(e -> e.kind() == ClusterEvent.Kind.NODE_DOWN);
    }

    @Test
    void pgTerminateBackendOnAStandbyIsNotTakenForAShutdown() throws Exception {
        PgEndpoint viaProxy = start(Map.of("failover_on_backend_shutdown", "on"));
        LocalNode standby = pg.standby(1);
        try (Connection session = PgClients.jdbc(viaProxy); Statement st = session.createStatement()) {
            assertThat(serverPort(st)).isEqualTo(standby.port());
            CompletableFuture<Void> sleeping = runOnStandby(st, standby);
            standby.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                    + "where query like 'select pg_sleep(%' and state = 'active'");
            assertThat(errorOf(sleeping).getSQLState()).isEqualTo("57P01");

            Await.until(Duration.ofSeconds(30), () -> engine.cluster().journal().events().stream()
                    .anyMatch(e -> e.kind() == ClusterEvent.Kind.NOTICE && e.nodeId().equals(OptionalInt.of(1))));
            assertThat(nodeStatus(st, 1)).isEqualTo("up");
            assertThat(st.executeQuery("select 1").next()).isTrue();
        }
        assertThat(engine.cluster().journal().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.NOTICE);
            assertThat(e.message()).contains("accepts new connections").contains("no failover");
        }).noneMatch(e -> e.kind() == ClusterEvent.Kind.NODE_DOWN);
    }

    @Test
    void rawModeMainNodeStoppedUnderASessionIsDetachedAndNewSessionsUseTheNextNode() throws Exception {
        PgEndpoint viaProxy = start(Map.of("backend_clustering_mode", "'raw'", "failover_on_backend_shutdown", "on",
                "failover_on_backend_error", "off"));
        try (Connection session = PgClients.jdbc(viaProxy); Statement st = session.createStatement()) {
            assertThat(serverPort(st)).isEqualTo(pg.primary().port());
            pg.primary().stop(ShutdownMode.FAST);
            // The idle session got the server's FATAL; its next statement finds the connection closed.
            assertThatThrownBy(() -> st.executeQuery("select 1")).isInstanceOf(SQLException.class);
        }
        Await.until(Duration.ofSeconds(30),
                () -> engine.cluster().snapshot().nodes().get(0).status() == NodeStatus.DOWN);
        assertThat(engine.cluster().journal().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.NODE_DOWN);
            assertThat(e.nodeId()).isEqualTo(OptionalInt.of(0));
            assertThat(e.message()).contains("reported shutdown").contains("57P01");
        });
        try (Connection next = PgClients.jdbc(viaProxy); Statement st = next.createStatement()) {
            assertThat(serverPort(st)).isEqualTo(pg.standby(1).port());
        }
    }

    /** Starts a long read on the session and returns once the standby is running it. */
    private static CompletableFuture<Void> runOnStandby(Statement st, LocalNode standby) throws InterruptedException {
        CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
            try {
                st.executeQuery("select pg_sleep(60)");
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Await.until(Duration.ofSeconds(20), () -> !standby.query("select pid from pg_stat_activity "
                + "where query like 'select pg_sleep(%' and state = 'active'").isEmpty());
        return sleeping;
    }

    private static SQLException errorOf(CompletableFuture<Void> statement) throws Exception {
        try {
            statement.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SQLException.class);
            return (SQLException) e.getCause();
        }
        throw new AssertionError("the statement on the stopped node succeeded");
    }

    private static int serverPort(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("show port")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String nodeStatus(Statement st, int nodeId) {
        try (ResultSet rs = st.executeQuery("show pool_nodes")) {
            while (rs.next()) {
                if (rs.getInt("node_id") == nodeId) {
                    return rs.getString("status");
                }
            }
            throw new AssertionError("show pool_nodes has no node " + nodeId);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
