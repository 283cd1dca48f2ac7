package io.tidepool.console.client.embedded;

import io.tidepool.cluster.ClusteringMode;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.LiveStatus;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.client.ReplicationDelay;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * Turns the cluster owner's values ({@code io.tidepool.cluster}, also what proxy-core's PCP client
 * reads) into the console's: snapshots and PCP node-info records into {@link PoolNode}s with the meaning of the {@code SHOW pool_nodes} columns (spec 2.2.1), and
 * journal events into timeline events. Pure functions, tested without an engine.
 */
public final class EngineMapping {

    private static final DateTimeFormatter LAST_CHANGE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private EngineMapping() {
    }

    /**
     * The console's snapshot of the engine's.
     *
     * @param selectCounts {@code select_cnt} per node id from the engine's sessions; empty where
     *                     nothing counts them (the cluster owner itself does not)
     */
    public static ClusterSnapshot snapshot(io.tidepool.cluster.ClusterSnapshot engine,
                                           IntFunction<OptionalLong> selectCounts, ZoneId zone) {
        List<PoolNode> nodes = new ArrayList<>(engine.nodeCount());
        for (NodeSnapshot n : engine.nodes()) {
            nodes.add(node(engine, n, selectCounts.apply(n.id()), zone));
        }
        return new ClusterSnapshot(engine.takenAt(), nodes);
    }

    /**
     * The console's snapshot of PCP node-info records ({@code pcp_node_info} of every node), read at
     * {@code at}. PCP does not say the clustering mode: roles primary/standby mean streaming
     * replication. {@code select_cnt} and the load-balance node are unknown: PCP does not carry them.
     */
    public static ClusterSnapshot fromPcp(List<NodeSnapshot> records, Instant at, ZoneId zone) {
        boolean streaming = records.stream().anyMatch(n -> n.role() == io.tidepool.cluster.NodeRole.PRIMARY
                || n.role() == io.tidepool.cluster.NodeRole.STANDBY);
        OptionalInt primary = records.stream()
                .filter(n -> n.role() == io.tidepool.cluster.NodeRole.PRIMARY || n.role() == io.tidepool.cluster.NodeRole.MAIN)
                .filter(NodeSnapshot::isUp)
                .mapToInt(NodeSnapshot::id).findFirst();
        io.tidepool.cluster.ClusterSnapshot cluster = new io.tidepool.cluster.ClusterSnapshot(records, primary,
                streaming ? ClusteringMode.STREAMING_REPLICATION : ClusteringMode.RAW, at);
        return snapshot(cluster, id -> OptionalLong.empty(), zone);
    }

    static PoolNode node(io.tidepool.cluster.ClusterSnapshot cluster, NodeSnapshot n, OptionalLong selects,
                         ZoneId zone) {
        boolean streaming = cluster.clusteringMode().hasPrimary();
        // Outside streaming replication the live role is the recorded one (as SHOW pool_nodes prints it).
        Optional<io.tidepool.cluster.NodeRole> live = streaming ? PoolNode.parseLiveRole(n.actualRole())
                : Optional.of(n.role());
        return new PoolNode(
                n.id(),
                n.hostname(),
                n.port(),
                PoolNodeStatus.fromText(n.statusName()),
                LiveStatus.fromText(n.actualStatus().text()),
                n.weight(),
                n.role(),
                live,
                selects,
                // A load-balance node belongs to a client session; the console has none in the engine.
                Optional.empty(),
                delay(cluster, n),
                n.replicationState(),
                n.syncState(),
                LAST_CHANGE.format(n.lastStatusChange().atZone(zone)));
    }

    /** Zero for the primary and outside streaming replication; bytes, or time when measured by time. */
    static ReplicationDelay delay(io.tidepool.cluster.ClusterSnapshot cluster, NodeSnapshot n) {
        boolean primary = cluster.primaryId().isPresent() && cluster.primaryId().getAsInt() == n.id();
        if (!cluster.clusteringMode().hasPrimary() || primary) {
            return ReplicationDelay.NONE;
        }
        return n.delayByTime() ? ReplicationDelay.seconds(n.replicationDelay() / 1_000_000.0)
                : ReplicationDelay.bytes(n.replicationDelay());
    }

    /** The timeline event of a journal event; the engine's message and detail are kept as written. */
    public static ClusterEvent event(io.tidepool.cluster.ClusterEvent e) {
        return new ClusterEvent(e.at(), kind(e.kind()), e.nodeId(), e.message(), e.detail());
    }

    static ClusterEvent.Kind kind(io.tidepool.cluster.ClusterEvent.Kind kind) {
        return switch (kind) {
            case NODE_UP -> ClusterEvent.Kind.NODE_UP;
            case NODE_DOWN -> ClusterEvent.Kind.NODE_DOWN;
            case NODE_ATTACHED -> ClusterEvent.Kind.NODE_ATTACHED;
            case FAILOVER_REFUSED -> ClusterEvent.Kind.REFUSED;
            case HEALTH_CHECK_FAILED -> ClusterEvent.Kind.HEALTH_CHECK;
            case PRIMARY_CHANGED -> ClusterEvent.Kind.ROLE_CHANGED;
            case NODE_PROMOTED -> ClusterEvent.Kind.PROMOTED;
            case PROMOTION_FAILED -> ClusterEvent.Kind.ACTION_FAILED;
            case NODE_FOLLOWED -> ClusterEvent.Kind.FOLLOWED_PRIMARY;
            case FALSE_PRIMARY -> ClusterEvent.Kind.STATE_DISAGREES;
            case FAILOVER_COMMAND, FAILBACK_COMMAND, FOLLOW_PRIMARY_COMMAND -> ClusterEvent.Kind.FAILOVER_OUTPUT;
            case REPLICATION_DELAY -> ClusterEvent.Kind.REPLICATION_DELAY;
            case RECOVERY_STARTED, RECOVERY_STEP, RECOVERY_FINISHED -> ClusterEvent.Kind.RECOVERY;
            case RECOVERY_FAILED -> ClusterEvent.Kind.RECOVERY_FAILED;
            case NOTICE -> ClusterEvent.Kind.NOTICE;
        };
    }
}
