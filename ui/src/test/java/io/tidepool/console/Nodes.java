package io.tidepool.console;

import io.tidepool.cluster.NodeRole;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.LiveStatus;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.client.ReplicationDelay;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Test data: pool_nodes rows as a healthy primary + standbys cluster reports them. */
public final class Nodes {

    private Nodes() {
    }

    public static PoolNode primary(int id) {
        return new PoolNode(id, "127.0.0.1", 5432 + id, PoolNodeStatus.UP, LiveStatus.UP, 0.333333,
                NodeRole.PRIMARY, Optional.of(NodeRole.PRIMARY), 10, false, ReplicationDelay.NONE, "", "",
                "2026-11-21 07:00:00");
    }

    public static PoolNode standby(int id) {
        return new PoolNode(id, "127.0.0.1", 5432 + id, PoolNodeStatus.UP, LiveStatus.UP, 0.333333,
                NodeRole.STANDBY, Optional.of(NodeRole.STANDBY), 20, id == 1, ReplicationDelay.bytes(0),
                "streaming", "async", "2026-11-21 07:00:00");
    }

    public static PoolNode withStatus(PoolNode n, PoolNodeStatus status, LiveStatus live) {
        return new PoolNode(n.nodeId(), n.hostname(), n.port(), status, live, n.lbWeight(), n.role(),
                live == LiveStatus.UP ? n.pgRole() : Optional.empty(), n.selectCount(), n.loadBalanceNode(),
                n.replicationDelay(), n.replicationState(), n.replicationSyncState(), n.lastStatusChange());
    }

    public static PoolNode withRole(PoolNode n, NodeRole role, Optional<NodeRole> live) {
        return new PoolNode(n.nodeId(), n.hostname(), n.port(), n.status(), n.pgStatus(), n.lbWeight(), role, live,
                n.selectCount(), n.loadBalanceNode(), n.replicationDelay(), n.replicationState(),
                n.replicationSyncState(), n.lastStatusChange());
    }

    public static PoolNode withSelects(PoolNode n, long selects, ReplicationDelay delay) {
        return new PoolNode(n.nodeId(), n.hostname(), n.port(), n.status(), n.pgStatus(), n.lbWeight(), n.role(),
                n.pgRole(), selects, n.loadBalanceNode(), delay, n.replicationState(), n.replicationSyncState(),
                n.lastStatusChange());
    }

    public static ClusterSnapshot threeNodes(Instant at) {
        return new ClusterSnapshot(at, List.of(primary(0), standby(1), standby(2)));
    }
}
