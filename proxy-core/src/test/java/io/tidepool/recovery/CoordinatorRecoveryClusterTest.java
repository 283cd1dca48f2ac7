package io.tidepool.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.cluster.ClusterCoordinator;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.ClusterSettings;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.PgpoolConfig;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery's view of the running engine without PostgreSQL: two configured nodes on ports where
 * nothing listens (they stay {@code waiting}), a third added by a reload.
 */
class CoordinatorRecoveryClusterTest {

    @TempDir
    Path dir;

    private ClusterCoordinator coordinator;
    private PgpoolConfig config;
    private final List<Integer> ports = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private CoordinatorRecoveryCluster start(int nodes) throws Exception {
        config = config(nodes);
        coordinator = new ClusterCoordinator(ClusterSettings.fromConfig(config), ClusterCoordinator.Options.defaults());
        coordinator.start();
        return new CoordinatorRecoveryCluster(coordinator, () -> config, new RecordingDrain());
    }

    /** Answers every drain at once and records what it was asked. */
    private static final class RecordingDrain implements CoordinatorRecoveryCluster.SessionDrain {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public boolean holdAndAwaitEnded(Duration timeout, Duration idleLimit) {
            calls.add("hold " + timeout.toSeconds() + " s, idle " + idleLimit.toSeconds() + " s");
            return true;
        }

        @Override
        public void release() {
            calls.add("release");
        }
    }

    private PgpoolConfig config(int nodes) throws Exception {
        Map<String, String> values = new HashMap<>();
        while (ports.size() < nodes) {
            ports.add(closedPort());
        }
        for (int i = 0; i < nodes; i++) {
            values.put("backend_hostname" + i, "127.0.0.1");
            values.put("backend_port" + i, Integer.toString(ports.get(i)));
            values.put("backend_data_directory" + i, "/data/" + i);
        }
        values.put("work_dir", dir.toString());
        values.put("sr_check_period", "0");
        return PgpoolConfig.fromMap(values);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void recoveryEventsReachTheJournalAndListenersUnderTheirOwnKinds() throws Exception {
        CoordinatorRecoveryCluster cluster = start(2);
        List<ClusterEvent> told = new CopyOnWriteArrayList<>();
        coordinator.subscribe((event, snapshot) -> told.add(event));

        cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STARTED, 1, "online recovery of node 1 started", "plan"));
        cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STEP, 1, "step 1/2 done in 0 s: copy", "last line"));
        cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_FAILED, 1, "node recovery failed at step 2", "why"));
        cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_SUCCEEDED, 1, "node 1 recovered and attached", ""));

        List<ClusterEvent.Kind> expected = List.of(ClusterEvent.Kind.RECOVERY_STARTED, ClusterEvent.Kind.RECOVERY_STEP,
                ClusterEvent.Kind.RECOVERY_FAILED, ClusterEvent.Kind.RECOVERY_FINISHED);
        List<ClusterEvent> journaled = coordinator.journal().events().stream()
                .filter(e -> e.kind().name().startsWith("RECOVERY_")).toList();
        assertThat(journaled).extracting(ClusterEvent::kind).containsExactlyElementsOf(expected);
        assertThat(journaled.get(1).detail()).isEqualTo("last line");
        assertThat(journaled).allMatch(e -> e.nodeId().equals(java.util.OptionalInt.of(1)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (told.size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(told).extracting(ClusterEvent::kind).containsExactlyElementsOf(expected);
    }

    @Test
    void aNodeAddedByAReloadCountsAsDownAndAnUnconfiguredOneAsUnused() throws Exception {
        CoordinatorRecoveryCluster cluster = start(2);
        config = config(3);
        coordinator.reload(ClusterSettings.fromConfig(config));

        assertThat(cluster.status(2)).isEqualTo(NodeStatus.DOWN);
        assertThat(cluster.status(3)).isEqualTo(NodeStatus.UNUSED);
    }

    @Test
    void theDrainGetsRecoveryTimeoutAndTheIdleLimitAndIsReleased() throws Exception {
        start(2);
        RecordingDrain drain = new RecordingDrain();
        CoordinatorRecoveryCluster cluster = new CoordinatorRecoveryCluster(coordinator, () -> config, drain);

        cluster.holdSessionsAndAwaitIdle(Duration.ofSeconds(90), Duration.ofSeconds(-1));
        cluster.releaseSessions();

        assertThat(drain.calls).containsExactly("hold 90 s, idle -1 s", "release");
    }
}
