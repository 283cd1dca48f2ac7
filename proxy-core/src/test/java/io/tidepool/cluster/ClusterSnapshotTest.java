package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ClusterSnapshotTest {

    private static NodeSnapshot node(int id, NodeStatus status, boolean quarantined) {
        return new NodeSnapshot(id, "h" + id, 5432 + id, status, quarantined, NodeSnapshot.ActualStatus.UNKNOWN, 0.5,
                NodeRole.STANDBY, "unknown", 0, false, "", "", Instant.EPOCH, 0, false);
    }

    @Test
    void nodesMustBeIndexedByTheirId() {
        assertThatThrownBy(() -> new ClusterSnapshot(List.of(node(1, NodeStatus.UP, false)), OptionalInt.empty(),
                ClusteringMode.STREAMING_REPLICATION, Instant.EPOCH)).hasMessageContaining("position 0 has id 1");
    }

    @Test
    void primaryMustBeAConfiguredNode() {
        assertThatThrownBy(() -> new ClusterSnapshot(List.of(node(0, NodeStatus.UP, false)), OptionalInt.of(3),
                ClusteringMode.STREAMING_REPLICATION, Instant.EPOCH)).hasMessageContaining("primary id 3");
    }

    @Test
    void looksUpNodesAndPrimary() {
        ClusterSnapshot snapshot = new ClusterSnapshot(List.of(node(0, NodeStatus.UP, false),
                node(1, NodeStatus.DOWN, true)), OptionalInt.of(0), ClusteringMode.STREAMING_REPLICATION, Instant.EPOCH);
        assertThat(snapshot.nodeCount()).isEqualTo(2);
        assertThat(snapshot.primary()).hasValueSatisfying(n -> assertThat(n.id()).isZero());
        assertThat(snapshot.node(2)).isEmpty();
        assertThat(snapshot.node(-1)).isEmpty();
    }

    @Test
    void quarantinedDownNodeIsNamedQuarantine() {
        assertThat(node(0, NodeStatus.DOWN, true).statusName()).isEqualTo("quarantine");
        assertThat(node(0, NodeStatus.DOWN, false).statusName()).isEqualTo("down");
        assertThat(node(0, NodeStatus.WAITING, false).statusName()).isEqualTo("waiting");
    }

    @Test
    void weightIsNormalised() {
        assertThatThrownBy(() -> new NodeSnapshot(0, "h", 1, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, 1.5,
                NodeRole.PRIMARY, "primary", 0, false, "", "", Instant.EPOCH, 0, false))
                .hasMessageContaining("weight 1.5 is outside 0..1");
    }

    @Test
    void clusteringModeReadsConfigNames() {
        assertThat(ClusteringMode.fromConfigName(" Streaming_Replication ")).contains(ClusteringMode.STREAMING_REPLICATION);
        assertThat(ClusteringMode.fromConfigName("bogus")).isEmpty();
    }
}
