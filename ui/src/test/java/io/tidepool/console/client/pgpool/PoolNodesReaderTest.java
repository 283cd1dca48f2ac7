package io.tidepool.console.client.pgpool;

import io.tidepool.cluster.NodeRole;
import io.tidepool.console.client.LiveStatus;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.client.ReplicationDelay;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolNodesReaderTest {

    /** A standby row the way pgpool-II 4.3 prints it (spec 2.2.1). */
    private static Map<String, String> standbyRow() {
        Map<String, String> m = new HashMap<>();
        m.put("node_id", "1");
        m.put("hostname", "10.0.0.2");
        m.put("port", "5433");
        m.put("status", "up");
        m.put("pg_status", "up");
        m.put("lb_weight", "0.500000");
        m.put("role", "standby");
        m.put("pg_role", "standby");
        m.put("select_cnt", "18446744073709551615");
        m.put("load_balance_node", "true");
        m.put("replication_delay", "0.250000 second");
        m.put("replication_state", "streaming");
        m.put("replication_sync_state", "async");
        m.put("last_status_change", "2026-11-21 08:00:01");
        return m;
    }

    @Test
    void readsEveryColumnOfAStandbyRow() {
        PoolNode n = PoolNodesReader.fromColumns(standbyRow());

        assertThat(n.nodeId()).isEqualTo(1);
        assertThat(n.address()).isEqualTo("10.0.0.2:5433");
        assertThat(n.status()).isEqualTo(PoolNodeStatus.UP);
        assertThat(n.pgStatus()).isEqualTo(LiveStatus.UP);
        assertThat(n.lbWeight()).isEqualTo(0.5);
        assertThat(n.role()).isEqualTo(NodeRole.STANDBY);
        assertThat(n.pgRole()).contains(NodeRole.STANDBY);
        assertThat(Long.toUnsignedString(n.selectCount())).isEqualTo("18446744073709551615");
        assertThat(n.loadBalanceNode()).isTrue();
        assertThat(n.replicationDelay()).isEqualTo(ReplicationDelay.seconds(0.25));
        assertThat(n.replicationState()).isEqualTo("streaming");
        assertThat(n.replicationSyncState()).isEqualTo("async");
        assertThat(n.lastStatusChange()).isEqualTo("2026-11-21 08:00:01");
        assertThat(n.disagreements()).isEmpty();
    }

    @Test
    void twelveColumnFormOfPgpool42HasUnknownLiveState() {
        Map<String, String> row = standbyRow();
        row.remove("pg_status");
        row.remove("pg_role");

        PoolNode n = PoolNodesReader.fromColumns(row);

        assertThat(n.pgStatus()).isEqualTo(LiveStatus.UNKNOWN);
        assertThat(n.pgRole()).isEmpty();
        assertThat(n.disagreements()).isEmpty();
    }

    @Test
    void quarantineAndUnknownLiveRoleAreKept() {
        Map<String, String> row = standbyRow();
        row.put("status", "quarantine");
        row.put("pg_status", "down");
        row.put("pg_role", "unknown");

        PoolNode n = PoolNodesReader.fromColumns(row);

        assertThat(n.status()).isEqualTo(PoolNodeStatus.QUARANTINE);
        assertThat(n.pgRole()).isEmpty();
    }

    @Test
    void recordedUpButServerDownIsADisagreement() {
        Map<String, String> row = standbyRow();
        row.put("pg_status", "down");
        row.put("pg_role", "unknown");

        assertThat(PoolNodesReader.fromColumns(row).disagreements())
                .containsExactly("recorded up but the server does not answer");
    }

    @Test
    void recordedStandbyThatIsPrimaryIsADisagreement() {
        Map<String, String> row = standbyRow();
        row.put("pg_role", "primary");

        assertThat(PoolNodesReader.fromColumns(row).disagreements())
                .containsExactly("recorded standby but the server is primary");
    }

    @Test
    void badNumberNamesColumnAndValue() {
        Map<String, String> row = standbyRow();
        row.put("port", "fifty");

        assertThatThrownBy(() -> PoolNodesReader.fromColumns(row))
                .hasMessage("column port holds 'fifty', not an integer");
    }
}
