package io.tidepool.session;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication-delay case on the whole engine (cluster owner, sr_check, proxy): a
 * standby whose replay is paused with {@code pg_wal_replay_pause()} falls behind the primary; once
 * the owner's sr_check sees it past {@code delay_threshold} (bytes) or
 * {@code delay_threshold_by_time}, no read reaches it — proved by the port that answered and by
 * {@code select_cnt} in SHOW pool_nodes — and after {@code pg_wal_replay_resume()} it serves reads
 * again. With {@code prefer_lower_delay_standby} the reads go to the other standby, not the primary.
 */
@ExtendWith(LeakDetection.class)
class ReplicationDelayRoutingIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path dir;

    private TidepoolEngine engine;
    private PgEndpoint viaProxy;
    private final AtomicBoolean writing = new AtomicBoolean();
    private CompletableFuture<Void> writer;

    @BeforeAll
    static void lagTable() {
        PgClients.psql(pg.primary().endpoint(), "drop table if exists tp_lag",
                "create table tp_lag (id bigserial primary key, filler text)").orThrow("create tp_lag");
        pg.cluster().awaitCaughtUp();
    }

    @AfterEach
    void resumeAndStop() throws Exception {
        writing.set(false);
        if (writer != null) {
            writer.join();
        }
        pg.standby(1).execute("select pg_wal_replay_resume()");
        if (engine != null) {
            engine.close();
        }
        PgClients.psql(pg.primary().endpoint(), "truncate tp_lag").orThrow("truncate tp_lag");
        pg.cluster().awaitCaughtUp();
    }

    private void start(Map<String, String> more) throws Exception {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("sr_check_period", "1");
        conf.put("backend_weight0", "0");
        conf.put("backend_weight1", "1");
        conf.put("backend_weight2", "1");
        conf.put("statement_level_load_balance", "on");
        conf.putAll(more);
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, conf),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true));
        engine.start();
        viaProxy = pg.primary().endpoint().withAddress("127.0.0.1", engine.proxy().orElseThrow().tcpAddress().getPort());
        // inet_server_port() is balanced once pg_proc said it is stable; the first call looks it up
        Await.until(Duration.ofSeconds(20), () -> {
            try {
                return !readPorts(viaProxy, 1).containsKey(pg.primary().port());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** About 1.5 MB of WAL on the primary at once. */
    private static void burst() {
        PgClients.psql(pg.primary().endpoint(),
                "insert into tp_lag (filler) select repeat('x', 200) from generate_series(1, 5000)").orThrow("burst");
    }

    /** Writes on the primary, a few rows every 50 ms, until the test ends: WAL keeps flowing. */
    private void keepWriting() {
        writing.set(true);
        writer = CompletableFuture.runAsync(() -> {
            try (Connection c = PgClients.jdbc(pg.primary().endpoint()); Statement st = c.createStatement()) {
                while (writing.get()) {
                    st.executeUpdate("insert into tp_lag (filler) select repeat('x', 200) from generate_series(1, 20)");
                    Thread.sleep(50);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private long ownerDelay(int node) {
        return engine.cluster().snapshot().nodes().get(node).replicationDelay();
    }

    /** The ports that answered {@code n} balanced reads (SELECTs, so select_cnt counts them) of one session. */
    private static Map<Integer, Integer> readPorts(PgEndpoint via, int n) throws SQLException {
        Map<Integer, Integer> ports = new HashMap<>();
        try (Connection c = PgClients.jdbc(via); Statement st = c.createStatement()) {
            for (int i = 0; i < n; i++) {
                try (ResultSet rs = st.executeQuery("select inet_server_port()")) {
                    rs.next();
                    ports.merge(rs.getInt(1), 1, Integer::sum);
                }
            }
        }
        return ports;
    }

    private Map<String, Map<String, String>> poolNodes() throws SQLException {
        Map<String, Map<String, String>> rows = new HashMap<>();
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            for (Map<String, String> row : PgClients.rows(st, "show pool_nodes")) {
                rows.put(row.get("node_id"), row);
            }
        }
        return rows;
    }

    private long selectCount(String node) throws SQLException {
        return Long.parseLong(poolNodes().get(node).get("select_cnt"));
    }


    @Test
    void aStandbyLaggingPastDelayThresholdReceivesNoReadsUntilItCatchesUp() throws Exception {
        start(Map.of("delay_threshold", "10000"));
        int lagging = pg.standby(1).port();
        int other = pg.standby(2).port();
        assertThat(readPorts(viaProxy, 100).keySet()).as("both standbys serve reads at first")
                .containsExactlyInAnyOrder(lagging, other);

        pg.standby(1).execute("select pg_wal_replay_pause()");
        burst();
        Await.until(Duration.ofSeconds(60), () -> ownerDelay(1) > 10000 && ownerDelay(2) < 10000);

        long before = selectCount("1");
        Map<Integer, Integer> ports = readPorts(viaProxy, 300);
        assertThat(ports).as("no read reaches the lagging standby").doesNotContainKey(lagging);
        // a read whose draw fell on the lagging standby runs on the primary, as in pgpool-II
        assertThat(ports.keySet()).contains(other).isSubsetOf(other, pg.primary().port());
        Map<String, String> row = poolNodes().get("1");
        assertThat(Long.parseLong(row.get("select_cnt"))).as("select_cnt of the lagging standby").isEqualTo(before);
        assertThat(Long.parseLong(row.get("replication_delay"))).isGreaterThan(10000);
        assertThat(row.get("replication_state")).isEqualTo("streaming");

        pg.standby(1).execute("select pg_wal_replay_resume()");
        Await.until(Duration.ofSeconds(60), () -> ownerDelay(1) < 10000);
        Set<Integer> after = new HashSet<>(readPorts(viaProxy, 100).keySet());
        assertThat(after).as("the standby serves reads again once caught up").contains(lagging);
        assertThat(selectCount("1")).isGreaterThan(before);
    }

    @Test
    void aStandbyLaggingPastDelayThresholdByTimeReceivesNoReads() throws Exception {
        start(Map.of("delay_threshold_by_time", "1000"));
        int lagging = pg.standby(1).port();
        int other = pg.standby(2).port();

        pg.standby(1).execute("select pg_wal_replay_pause()");
        keepWriting();
        // replay_lag grows while replay is stuck and WAL keeps arriving
        Await.until(Duration.ofSeconds(60), () -> ownerDelay(1) > 1_000_000);
        assertThat(engine.cluster().snapshot().nodes().get(1).delayByTime()).isTrue();

        long before = selectCount("1");
        Map<Integer, Integer> ports = readPorts(viaProxy, 300);
        assertThat(ports).as("no read reaches the lagging standby").doesNotContainKey(lagging);
        assertThat(ports.keySet()).contains(other).isSubsetOf(other, pg.primary().port());
        Map<String, String> row = poolNodes().get("1");
        assertThat(Long.parseLong(row.get("select_cnt"))).isEqualTo(before);
        assertThat(row.get("replication_delay")).as("delay by time prints seconds").matches("[0-9]+\\.[0-9]{6} seconds?");

        // WAL keeps flowing while replay resumes: replay_lag is then measured on fresh records and
        // falls back under the threshold within a few sr_check periods.
        pg.standby(1).execute("select pg_wal_replay_resume()");
        Await.until(Duration.ofSeconds(60), () -> ownerDelay(1) < 1_000_000);
        assertThat(readPorts(viaProxy, 100).keySet()).contains(lagging);
    }

    @Test
    void withPreferLowerDelayStandbyTheReadsOfALaggingNodeGoToTheOtherStandby() throws Exception {
        // Session-level balancing, the session sent to standby 1 by database_redirect_preference_list:
        // without the preference its reads would fall back to the primary when it lags.
        start(Map.of("delay_threshold", "10000", "prefer_lower_delay_standby", "on", "statement_level_load_balance", "off",
                "database_redirect_preference_list", "'.*:1'"));
        int lagging = pg.standby(1).port();
        int other = pg.standby(2).port();
        assertThat(readPorts(viaProxy, 20).keySet()).containsExactly(lagging);
        // SHOW pool_nodes from the cluster owner: live role and replication columns once sr_check ran
        Await.until(Duration.ofSeconds(30), () ->
                engine.cluster().snapshot().nodes().get(1).replicationState().equals("streaming")
                && engine.cluster().snapshot().nodes().get(2).replicationState().equals("streaming"));
        Map<String, Map<String, String>> rows = poolNodes();
        assertThat(rows.get("0")).containsEntry("role", "primary").containsEntry("pg_role", "primary")
                .containsEntry("replication_delay", "0").containsEntry("replication_state", "")
                .containsEntry("load_balance_node", "false");
        for (String standby : List.of("1", "2")) {
            assertThat(rows.get(standby)).containsEntry("status", "up").containsEntry("role", "standby")
                    .containsEntry("pg_role", "standby").containsEntry("replication_state", "streaming")
                    .containsEntry("replication_sync_state", "async").containsEntry("lb_weight", "0.500000")
                    .containsEntry("load_balance_node", standby.equals("1") ? "true" : "false");
            assertThat(rows.get(standby).get("last_status_change")).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        }

        pg.standby(1).execute("select pg_wal_replay_pause()");
        burst();
        Await.until(Duration.ofSeconds(60), () -> ownerDelay(1) > 10000 && ownerDelay(2) < 10000);

        assertThat(readPorts(viaProxy, 100).keySet()).as("the least-delayed standby, not the primary")
                .containsExactly(other);
    }
}
