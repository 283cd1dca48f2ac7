package io.tidepool.console.client.embedded;

import io.tidepool.cluster.ClusteringMode;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.LiveStatus;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.client.ReplicationDelay;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class EngineMappingTest {

    private static final Instant CHANGED = Instant.parse("2026-11-21T07:30:05Z");
    private static final Instant TAKEN = Instant.parse("2026-11-21T08:00:00Z");

    private static NodeSnapshot node(int id, NodeStatus status, boolean quarantined, NodeSnapshot.ActualStatus live,
                                     NodeRole role, String liveRole, long delay, boolean byTime) {
        return new NodeSnapshot(id, "127.0.0.1", 5432 + id, status, quarantined, live, 1.0 / 3, role, liveRole,
                delay, byTime, role == NodeRole.STANDBY ? "streaming" : "", role == NodeRole.STANDBY ? "async" : "",
                CHANGED, 0, false);
    }

    private static io.tidepool.cluster.ClusterSnapshot streaming(NodeSnapshot... nodes) {
        return new io.tidepool.cluster.ClusterSnapshot(List.of(nodes), OptionalInt.of(0),
                ClusteringMode.STREAMING_REPLICATION, TAKEN);
    }

    @Test
    void everyPoolNodesFieldComesFromTheOwnersSnapshot() {
        ClusterSnapshot s = EngineMapping.snapshot(streaming(
                        node(0, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.PRIMARY, "primary", 0, false),
                        node(1, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.STANDBY, "standby", 4096, false)),
                id -> OptionalLong.of(10L * id), ZoneOffset.UTC);

        assertThat(s.takenAt()).isEqualTo(TAKEN);
        PoolNode standby = s.node(1).orElseThrow();
        assertThat(standby.address()).isEqualTo("127.0.0.1:5433");
        assertThat(standby.status()).isEqualTo(PoolNodeStatus.UP);
        assertThat(standby.pgStatus()).isEqualTo(LiveStatus.UP);
        assertThat(standby.role()).isEqualTo(NodeRole.STANDBY);
        assertThat(standby.pgRole()).contains(NodeRole.STANDBY);
        assertThat(standby.lbWeight()).isEqualTo(1.0 / 3);
        assertThat(standby.selectCount()).hasValue(10);
        assertThat(standby.replicationDelay()).isEqualTo(ReplicationDelay.bytes(4096));
        assertThat(standby.replicationState()).isEqualTo("streaming");
        assertThat(standby.replicationSyncState()).isEqualTo("async");
        assertThat(standby.lastStatusChange()).isEqualTo("2026-11-21 07:30:05");
        assertThat(s.primary().map(PoolNode::nodeId)).contains(0);
    }

    @Test
    void uncountedSelectsAndTheSessionlessLoadBalanceNodeAreUnknownNotZero() {
        PoolNode n = EngineMapping.snapshot(streaming(
                        node(0, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.PRIMARY, "primary", 0, false)),
                EmbeddedEngineClient.selectCountsUnknown(), ZoneOffset.UTC).nodes().get(0);

        assertThat(n.selectCount()).isEmpty();
        assertThat(n.selectCountText()).isEqualTo("unknown");
        assertThat(n.loadBalanceNode()).isEmpty();
    }

    @Test
    void quarantineUnknownLiveStateAndDelayByTimeAreKept() {
        PoolNode n = EngineMapping.snapshot(streaming(
                        node(0, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.PRIMARY, "primary", 0, false),
                        node(1, NodeStatus.DOWN, true, NodeSnapshot.ActualStatus.UNKNOWN, NodeRole.STANDBY, "unknown",
                                250_000, true)),
                EmbeddedEngineClient.selectCountsUnknown(), ZoneOffset.UTC).nodes().get(1);

        assertThat(n.status()).isEqualTo(PoolNodeStatus.QUARANTINE);
        assertThat(n.pgStatus()).isEqualTo(LiveStatus.UNKNOWN);
        assertThat(n.pgRole()).isEmpty();
        assertThat(n.replicationDelay()).isEqualTo(ReplicationDelay.seconds(0.25));
    }

    @Test
    void aServerThatDisagreesWithTheRecordShowsTheDisagreement() {
        PoolNode n = EngineMapping.snapshot(streaming(
                        node(0, NodeStatus.UP, false, NodeSnapshot.ActualStatus.DOWN, NodeRole.PRIMARY, "unknown", 0, false),
                        node(1, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.STANDBY, "primary", 0, false)),
                EmbeddedEngineClient.selectCountsUnknown(), ZoneOffset.UTC).nodes().get(1);

        assertThat(n.disagreements()).containsExactly("recorded standby but the server is primary");
    }

    @Test
    void outsideStreamingReplicationTheLiveRoleIsTheRecordedOneAndThereIsNoDelay() {
        io.tidepool.cluster.ClusterSnapshot raw = new io.tidepool.cluster.ClusterSnapshot(List.of(
                node(0, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.MAIN, "unknown", 0, false),
                node(1, NodeStatus.WAITING, false, NodeSnapshot.ActualStatus.UP, NodeRole.REPLICA, "unknown", 77, false)),
                OptionalInt.of(0), ClusteringMode.RAW, TAKEN);

        PoolNode replica = EngineMapping.snapshot(raw, EmbeddedEngineClient.selectCountsUnknown(), ZoneOffset.UTC)
                .nodes().get(1);

        assertThat(replica.status()).isEqualTo(PoolNodeStatus.WAITING);
        assertThat(replica.pgRole()).contains(NodeRole.REPLICA);
        assertThat(replica.replicationDelay()).isEqualTo(ReplicationDelay.NONE);
        assertThat(replica.disagreements()).isEmpty();
    }

    @Test
    void journalEventsKeepTimeNodeMessageAndCommandOutput() {
        io.tidepool.cluster.ClusterEvent e = new io.tidepool.cluster.ClusterEvent(7, CHANGED,
                io.tidepool.cluster.ClusterEvent.Kind.FOLLOW_PRIMARY_COMMAND, OptionalInt.of(2),
                "follow_primary_command for node 2 exited with status 0", "pg_rewind: done\n");

        ClusterEvent mapped = EngineMapping.event(e);

        assertThat(mapped.at()).isEqualTo(CHANGED);
        assertThat(mapped.kind()).isEqualTo(ClusterEvent.Kind.FAILOVER_OUTPUT);
        assertThat(mapped.nodeId()).hasValue(2);
        assertThat(mapped.message()).isEqualTo("follow_primary_command for node 2 exited with status 0");
        assertThat(mapped.detail()).isEqualTo("pg_rewind: done\n");
    }

    @Test
    void everyEngineEventKindHasATimelineKind() {
        for (io.tidepool.cluster.ClusterEvent.Kind k : io.tidepool.cluster.ClusterEvent.Kind.values()) {
            assertThat(EngineMapping.kind(k)).as(k.name()).isNotNull();
        }
        assertThat(EngineMapping.kind(io.tidepool.cluster.ClusterEvent.Kind.NODE_DOWN)).isEqualTo(ClusterEvent.Kind.NODE_DOWN);
        assertThat(EngineMapping.kind(io.tidepool.cluster.ClusterEvent.Kind.NODE_PROMOTED)).isEqualTo(ClusterEvent.Kind.PROMOTED);
        assertThat(EngineMapping.kind(io.tidepool.cluster.ClusterEvent.Kind.NODE_ATTACHED)).isEqualTo(ClusterEvent.Kind.NODE_ATTACHED);
        assertThat(EngineMapping.kind(io.tidepool.cluster.ClusterEvent.Kind.RECOVERY_STEP)).isEqualTo(ClusterEvent.Kind.RECOVERY);
        assertThat(EngineMapping.kind(io.tidepool.cluster.ClusterEvent.Kind.RECOVERY_FAILED))
                .isEqualTo(ClusterEvent.Kind.RECOVERY_FAILED);
        assertThat(EngineMapping.kind(io.tidepool.cluster.ClusterEvent.Kind.HEALTH_CHECK_FAILED)).isEqualTo(ClusterEvent.Kind.HEALTH_CHECK);
        assertThat(EngineMapping.kind(io.tidepool.cluster.ClusterEvent.Kind.FAILOVER_COMMAND)).isEqualTo(ClusterEvent.Kind.FAILOVER_OUTPUT);
    }

    @Test
    void pcpRecordsMapWithTheirPrimaryAndNothingInvented() {
        ClusterSnapshot s = EngineMapping.fromPcp(List.of(
                        node(0, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.PRIMARY, "primary", 0, false),
                        node(1, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.STANDBY, "standby", 512, false)),
                TAKEN, ZoneOffset.UTC);

        assertThat(s.primary().map(PoolNode::nodeId)).contains(0);
        assertThat(s.node(1).orElseThrow().replicationDelay()).isEqualTo(ReplicationDelay.bytes(512));
        assertThat(s.nodes()).allSatisfy(n -> {
            assertThat(n.selectCountText()).isEqualTo("unknown");
            assertThat(n.loadBalanceNode()).isEmpty();
        });
    }

    @Test
    void unusedSlotsAreShownAsUnused() {
        NodeSnapshot gap = new NodeSnapshot(1, "", 0, NodeStatus.UNUSED, false, NodeSnapshot.ActualStatus.UNKNOWN, 0,
                NodeRole.STANDBY, "unknown", 0, false, "", "", CHANGED, 0, false);
        PoolNode n = EngineMapping.snapshot(streaming(
                        node(0, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, NodeRole.PRIMARY, "primary", 0, false), gap),
                EmbeddedEngineClient.selectCountsUnknown(), ZoneOffset.UTC).nodes().get(1);

        assertThat(n.status()).isEqualTo(PoolNodeStatus.UNUSED);
        assertThat(Optional.of(n.hostname())).contains("");
    }
}
