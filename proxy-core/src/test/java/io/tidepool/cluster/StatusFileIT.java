package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.harness.PgClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** pgpool_status across restarts of the cluster owner (spec 3.4), over a real cluster. */
class StatusFileIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path dir;

    private ClusterCoordinator start(boolean discard) throws Exception {
        ClusterCoordinator coordinator = new ClusterCoordinator(ClusterSettings.fromConfig(
                ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of())),
                ClusterCoordinator.Options.defaults().withDiscardStatusFile(discard));
        coordinator.start();
        return coordinator;
    }

    @Test
    void aDetachedNodeStaysDownAfterARestartUnlessTheFileIsDiscarded() throws Exception {
        try (ClusterCoordinator first = start(false)) {
            first.detachNode(1, "test").get(30, TimeUnit.SECONDS);
            assertThat(first.snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.DOWN);
        }
        assertThat(Files.readString(dir.resolve(StatusFile.NAME))).isEqualTo("up\ndown\nup\n");

        try (ClusterCoordinator second = start(false)) {
            assertThat(second.snapshot().nodes()).extracting(NodeSnapshot::status)
                    .containsExactly(NodeStatus.UP, NodeStatus.DOWN, NodeStatus.UP);
            assertThat(second.journal().events()).anyMatch(e -> e.kind() == ClusterEvent.Kind.NODE_DOWN
                    && e.message().contains("stays down as recorded in"));
        }

        try (ClusterCoordinator third = start(true)) {
            assertThat(third.snapshot().nodes()).extracting(NodeSnapshot::status)
                    .containsExactly(NodeStatus.UP, NodeStatus.UP, NodeStatus.UP);
        }
        assertThat(Files.readString(dir.resolve(StatusFile.NAME))).isEqualTo("up\nup\nup\n");
    }
}
