package io.tidepool.admin.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.ClusteringMode;
import io.tidepool.cluster.HealthCheckStatistics;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.PgpoolConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PoolAdminRowsTest {

    private static final Instant CHANGED = Instant.parse("2026-11-21T08:15:30Z");

    private static NodeSnapshot node(int id, NodeStatus status, NodeRole role, String pgRole, long delay,
                                     boolean byTime) {
        return new NodeSnapshot(id, id == 2 ? "" : "10.0.0." + id, id == 2 ? 0 : 5432 + id, status, false,
                status == NodeStatus.UP ? NodeSnapshot.ActualStatus.UP : NodeSnapshot.ActualStatus.DOWN,
                id == 2 ? 0 : 0.5, role, pgRole, delay, byTime, id == 1 ? "streaming" : "", id == 1 ? "async" : "",
                CHANGED, 7 + id, false);
    }

    private static ClusterSnapshot cluster(boolean byTime, long delay) {
        return new ClusterSnapshot(List.of(
                node(0, NodeStatus.UP, NodeRole.PRIMARY, "primary", 0, byTime),
                node(1, NodeStatus.UP, NodeRole.STANDBY, "standby", delay, byTime),
                node(2, NodeStatus.UNUSED, NodeRole.STANDBY, "unknown", 0, byTime)),
                OptionalInt.of(0), ClusteringMode.STREAMING_REPLICATION, CHANGED);
    }

    @Test
    void poolNodesHasPgpoolsFourteenColumnsAndFormats() {
        AdminResult result = PoolAdminRows.poolNodes(cluster(false, 1234), OptionalInt.of(1), ZoneOffset.UTC);
        assertThat(result.columns()).containsExactly("node_id", "hostname", "port", "status", "pg_status", "lb_weight",
                "role", "pg_role", "select_cnt", "load_balance_node", "replication_delay", "replication_state",
                "replication_sync_state", "last_status_change");
        assertThat(result.rows().get(0)).containsExactly("0", "10.0.0.0", "5432", "up", "up", "0.500000", "primary",
                "primary", "7", "false", "0", "", "", "2026-11-21 08:15:30");
        assertThat(result.rows().get(1)).containsExactly("1", "10.0.0.1", "5433", "up", "up", "0.500000", "standby",
                "standby", "8", "true", "1234", "streaming", "async", "2026-11-21 08:15:30");
        assertThat(result.rows().get(2)).containsExactly("2", "", "0", "unused", "down", "0.000000", "standby",
                "unknown", "9", "false", "0", "", "", "2026-11-21 08:15:30");
        assertThat(result.commandTag()).isEqualTo("SELECT 3");
    }

    @Test
    void delayMeasuredByTimePrintsSecondsWithPluralFromTwo() {
        assertThat(PoolAdminRows.poolNodes(cluster(true, 250_000), OptionalInt.empty(), ZoneOffset.UTC).rows().get(1)
                .get(10)).isEqualTo("0.250000 second");
        assertThat(PoolAdminRows.poolNodes(cluster(true, 2_500_000), OptionalInt.empty(), ZoneOffset.UTC).rows().get(1)
                .get(10)).isEqualTo("2.500000 seconds");
    }

    @Test
    void healthCheckStatsHaveTwentyValuesAndEmptyTimesWhenNeverChecked() {
        HealthCheckStatistics checked = new HealthCheckStatistics(1, 10, 8, 1, 1, 3, 2, 40, 2, 5.5,
                Optional.of(CHANGED), Optional.of(CHANGED), Optional.empty(), Optional.of(CHANGED));
        AdminResult result = PoolAdminRows.healthCheckStats(cluster(false, 0),
                id -> id == 1 ? checked : HealthCheckStatistics.none(id, true), ZoneOffset.UTC);
        assertThat(result.columns()).hasSize(20);
        assertThat(result.rows().get(1)).containsExactly("1", "10.0.0.1", "5433", "up", "standby",
                "2026-11-21 08:15:30", "10", "8", "1", "1", "3", "0.333333", "2", "40", "2", "5.500000",
                "2026-11-21 08:15:30", "2026-11-21 08:15:30", "", "2026-11-21 08:15:30");
        assertThat(result.rows().get(0).subList(6, 20)).containsExactly("0", "0", "0", "0", "0", "0.000000", "0", "0",
                "2147483647", "0.000000", "", "", "", "");
    }

    @Test
    void backendStatsCountPerNode() {
        AdminResult result = PoolAdminRows.backendStats(cluster(false, 0),
                id -> new BackendStatementCounts(id, 1, 2, 3, 4, 5, 0, 6, 7));
        assertThat(result.columns()).hasSize(14);
        assertThat(result.rows().get(1)).containsExactly("1", "10.0.0.1", "5433", "up", "standby", "1", "1", "2", "3",
                "4", "5", "0", "6", "7");
    }

    @Test
    void versionStartsWithTheCompatiblePgpoolRelease() {
        assertThat(PoolAdminRows.poolVersion("0.1.0").rows().get(0).get(0))
                .isEqualTo("4.7.2 (tasukiboshi; Tidepool 0.1.0)");
    }

    @Test
    void poolStatusShowsTheNodesRuntimeStatus() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of("backend_hostname0", "10.0.0.0", "backend_port0", "5432",
                "backend_hostname1", "10.0.0.1", "backend_port1", "5433"));
        ClusterSnapshot snapshot = new ClusterSnapshot(List.of(
                node(0, NodeStatus.UP, NodeRole.PRIMARY, "primary", 0, false),
                node(1, NodeStatus.DOWN, NodeRole.STANDBY, "unknown", 0, false)),
                OptionalInt.of(0), ClusteringMode.STREAMING_REPLICATION, CHANGED);
        AdminResult result = PoolAdminRows.poolStatus(config, snapshot);
        assertThat(result.columns()).containsExactly("item", "value", "description");
        assertThat(result.rows()).anySatisfy(r -> assertThat(r.subList(0, 2)).containsExactly("backend_status1", "down"));
        assertThat(result.rows()).anySatisfy(r -> assertThat(r.subList(0, 2)).containsExactly("backend_status0", "up"));
    }
}
