package io.tidepool.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.backend.BackendNode;
import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.ClusteringMode;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class SnapshotClusterViewTest {

    private static final ClusterSnapshot EMPTY = new ClusterSnapshot(List.of(), OptionalInt.empty(),
            ClusteringMode.STREAMING_REPLICATION, Instant.EPOCH);

    @Test
    void aBackendAddedByAReloadCanBeReachedWithoutANewView() {
        AtomicReference<List<BackendNode>> configured = new AtomicReference<>(List.of(
                new BackendNode(0, "db0", 5432), new BackendNode(1, "db1", 5432)));
        SnapshotClusterView view = new SnapshotClusterView(() -> EMPTY, configured::get);
        assertThat(view.node(2)).isEmpty();

        configured.set(List.of(new BackendNode(0, "db0", 5432), new BackendNode(1, "db1", 5432),
                new BackendNode(2, "db2", 5433)));

        assertThat(view.node(2)).contains(new BackendNode(2, "db2", 5433));
    }

    @Test
    void aFixedListStaysAsGiven() {
        SnapshotClusterView view = new SnapshotClusterView(() -> EMPTY, List.of(new BackendNode(0, "db0", 5432)));

        assertThat(view.node(0)).contains(new BackendNode(0, "db0", 5432));
        assertThat(view.node(1)).isEmpty();
    }
}
