package io.tidepool.admin.pcp;

import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.ClusteringMode;
import io.tidepool.cluster.HealthCheckStatistics;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.server.ShutdownMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link PcpService} holding node snapshots in memory, for protocol tests: it records every
 * action it is asked for and changes node status the way a cluster owner would (detach → down,
 * attach → up, promote → primary). Not a cluster: nothing is checked or failed over.
 */
public final class InMemoryPcpService implements PcpService {

    /** Node 0 of the spec's verification run (spec Appendix B). */
    public static final Instant NODE0_CHANGED = Instant.ofEpochSecond(1_700_000_000L);
    public static final Instant NODE1_CHANGED = Instant.ofEpochSecond(1_700_000_100L);
    public static final Instant PROCESS_START = Instant.ofEpochSecond(1_700_000_000L);

    private final AtomicReference<ClusterSnapshot> cluster = new AtomicReference<>();
    private final List<String> actions = new CopyOnWriteArrayList<>();

    public InMemoryPcpService(ClusterSnapshot snapshot) {
        cluster.set(snapshot);
    }

    /**
     * Two nodes as in spec Appendix B: node 0 primary up, node 1 standby quarantined down with
     * a 2.5 MB delay.
     */
    public static InMemoryPcpService twoNodes() {
        NodeSnapshot primary = new NodeSnapshot(0, "10.0.0.1", 5432, NodeStatus.UP, false,
                NodeSnapshot.ActualStatus.UP, 0.5, NodeRole.PRIMARY, "primary", 0, false, "", "",
                NODE0_CHANGED, 12, false);
        NodeSnapshot standby = new NodeSnapshot(1, "10.0.0.2", 5433, NodeStatus.DOWN, true,
                NodeSnapshot.ActualStatus.DOWN, 0.5, NodeRole.STANDBY, "unknown", 2_500_000, false, "streaming",
                "async", NODE1_CHANGED, 0, false);
        return new InMemoryPcpService(new ClusterSnapshot(List.of(primary, standby), OptionalInt.of(0),
                ClusteringMode.STREAMING_REPLICATION, NODE1_CHANGED));
    }

    /** What the service was asked to do, in order, e.g. {@code detach 1 graceful=false}. */
    public List<String> actions() {
        return List.copyOf(actions);
    }

    @Override
    public ClusterSnapshot cluster() {
        return cluster.get();
    }

    @Override
    public HealthCheckStatistics healthCheckStats(int nodeId) {
        return new HealthCheckStatistics(nodeId, 10, 9, 1, 0, 2, 2, 30, 3, 7.5,
                Optional.of(NODE1_CHANGED), Optional.of(NODE1_CHANGED), Optional.empty(), Optional.of(NODE0_CHANGED));
    }

    /** Two slots, one pool slot each, towards two backends: slot 101 serves alice on node 0. */
    @Override
    public List<ProcessInfo> processes() {
        ProcessInfo.PooledConnection used = new ProcessInfo.PooledConnection(0, 0, "db", "alice",
                Optional.of(PROCESS_START.plusSeconds(1)), Optional.of(PROCESS_START.plusSeconds(2)), Optional.empty(),
                0, 3, 0, 1, 4242, true, true, "127.0.0.1", "50000", "SELECT 1");
        return List.of(
                new ProcessInfo(101, PROCESS_START, 5, "Idle",
                        List.of(used, ProcessInfo.PooledConnection.unused(0, 1))),
                new ProcessInfo(102, PROCESS_START, 0, "Wait for connection",
                        List.of(ProcessInfo.PooledConnection.unused(0, 0), ProcessInfo.PooledConnection.unused(0, 1))));
    }

    @Override
    public List<PoolStatusRow> poolStatus() {
        return List.of(
                new PoolStatusRow("listen_addresses", "localhost", "host name(s) or IP address(es) to listen on"),
                new PoolStatusRow("port", "9999", "pgpool accepting port number"),
                new PoolStatusRow("backend_clustering_mode", "1", "clustering mode"));
    }

    @Override
    public void detachNode(int nodeId, boolean graceful) throws PcpServiceException {
        NodeSnapshot node = existing(nodeId, "invalid degenerate backend request, node id: " + nodeId
                + " is out of range. node id must be between [0 and " + (cluster().nodeCount() - 1) + "]");
        if (!node.isUp()) {
            throw PcpServiceException.error("invalid degenerate backend request, node id : " + nodeId
                    + " status: [" + node.status().code() + "] is not valid for failover", null);
        }
        actions.add("detach " + nodeId + " graceful=" + graceful);
        replace(withStatus(node, NodeStatus.DOWN, node.role()));
    }

    @Override
    public void attachNode(int nodeId) throws PcpServiceException {
        NodeSnapshot node = existing(nodeId, "invalid failback request, node id: " + nodeId + " is out of range");
        actions.add("attach " + nodeId);
        replace(withStatus(node, NodeStatus.UP, node.role()));
    }

    @Override
    public void promoteNode(int nodeId, boolean switchover, boolean graceful) throws PcpServiceException {
        NodeSnapshot node = existing(nodeId, "node id " + nodeId + " is not valid");
        if (cluster().primaryId().orElse(-1) == nodeId) {
            throw PcpServiceException.fatal("invalid promote request",
                    "specified node is already primary node, can't promote node id " + nodeId);
        }
        actions.add("promote " + nodeId + " switchover=" + switchover + " graceful=" + graceful);
        ClusterSnapshot before = cluster();
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (NodeSnapshot n : before.nodes()) {
            nodes.add(n.id() == nodeId ? withStatus(n, NodeStatus.UP, NodeRole.PRIMARY)
                    : withStatus(n, n.status(), NodeRole.STANDBY));
        }
        cluster.set(new ClusterSnapshot(nodes, OptionalInt.of(node.id()), before.clusteringMode(), Instant.now()));
    }

    @Override
    public void stop(ShutdownMode mode, boolean clusterWide) {
        actions.add("stop " + mode + " cluster=" + clusterWide);
    }

    @Override
    public void reloadConfig(boolean clusterWide) {
        actions.add("reload cluster=" + clusterWide);
    }

    @Override
    public void rotateLog(boolean clusterWide) {
        actions.add("rotate log cluster=" + clusterWide);
    }

    @Override
    public void invalidateQueryCache() throws PcpServiceException {
        actions.add("invalidate query cache");
    }

    private NodeSnapshot existing(int nodeId, String message) throws PcpServiceException {
        return cluster().node(nodeId).orElseThrow(() -> PcpServiceException.error(message, null));
    }

    private void replace(NodeSnapshot node) {
        ClusterSnapshot before = cluster();
        List<NodeSnapshot> nodes = new ArrayList<>(before.nodes());
        nodes.set(node.id(), node);
        cluster.set(new ClusterSnapshot(nodes, before.primaryId(), before.clusteringMode(), Instant.now()));
    }

    private static NodeSnapshot withStatus(NodeSnapshot n, NodeStatus status, NodeRole role) {
        return new NodeSnapshot(n.id(), n.hostname(), n.port(), status, false, n.actualStatus(), n.weight(), role,
                n.actualRole(), n.replicationDelay(), n.delayByTime(), n.replicationState(), n.syncState(),
                n.lastStatusChange(), n.selectCount(), n.loadBalanceNode());
    }
}
