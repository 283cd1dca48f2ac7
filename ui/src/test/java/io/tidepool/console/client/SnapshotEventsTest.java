package io.tidepool.console.client;

import io.tidepool.cluster.NodeRole;
import io.tidepool.console.Nodes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotEventsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final Instant T1 = T0.plusSeconds(1);

    @Test
    void firstSnapshotOfAHealthyClusterGivesNoEvents() {
        assertThat(SnapshotEvents.between(Optional.empty(), Nodes.threeNodes(T0))).isEmpty();
    }

    @Test
    void standbyMarkedDownGivesNodeDownWithStatusChange() {
        ClusterSnapshot after = new ClusterSnapshot(T1, List.of(Nodes.primary(0),
                Nodes.withStatus(Nodes.standby(1), PoolNodeStatus.DOWN, LiveStatus.UP), Nodes.standby(2)));

        List<ClusterEvent> events = SnapshotEvents.between(Optional.of(Nodes.threeNodes(T0)), after);

        assertThat(events).extracting(ClusterEvent::kind)
                .containsExactly(ClusterEvent.Kind.NODE_DOWN, ClusterEvent.Kind.STATE_DISAGREES);
        assertThat(events.get(0).nodeId()).hasValue(1);
        assertThat(events.get(0).detail()).isEqualTo("recorded status up -> down");
        assertThat(events.get(1).message()).contains("recorded down but the server answers");
    }

    @Test
    void serverThatStopsAnsweringGivesHealthCheckEvent() {
        ClusterSnapshot after = new ClusterSnapshot(T1, List.of(Nodes.primary(0),
                Nodes.withStatus(Nodes.standby(1), PoolNodeStatus.DOWN, LiveStatus.DOWN), Nodes.standby(2)));

        List<ClusterEvent> events = SnapshotEvents.between(Optional.of(Nodes.threeNodes(T0)), after);

        assertThat(events).extracting(ClusterEvent::kind)
                .containsExactly(ClusterEvent.Kind.NODE_DOWN, ClusterEvent.Kind.HEALTH_CHECK);
    }

    @Test
    void promotionGivesRoleChanged() {
        ClusterSnapshot after = new ClusterSnapshot(T1, List.of(
                Nodes.withRole(Nodes.primary(0), NodeRole.STANDBY, Optional.of(NodeRole.STANDBY)),
                Nodes.withRole(Nodes.standby(1), NodeRole.PRIMARY, Optional.of(NodeRole.PRIMARY)),
                Nodes.standby(2)));

        List<ClusterEvent> events = SnapshotEvents.between(Optional.of(Nodes.threeNodes(T0)), after);

        assertThat(events).extracting(ClusterEvent::message)
                .containsExactly("node 0 (127.0.0.1:5432) is now standby", "node 1 (127.0.0.1:5433) is now primary");
    }

    @Test
    void disagreementPresentAtConnectIsReportedOnce() {
        ClusterSnapshot s = new ClusterSnapshot(T0, List.of(Nodes.primary(0),
                Nodes.withRole(Nodes.standby(1), NodeRole.STANDBY, Optional.of(NodeRole.PRIMARY))));

        assertThat(SnapshotEvents.between(Optional.empty(), s)).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("node 1: recorded standby but the server is primary"));
        assertThat(SnapshotEvents.between(Optional.of(s), new ClusterSnapshot(T1, s.nodes()))).isEmpty();
    }
}
