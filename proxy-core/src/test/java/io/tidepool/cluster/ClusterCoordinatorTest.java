package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.config.PgpoolConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster owner's bookkeeping without PostgreSQL: three configured nodes on loopback ports
 * where nothing listens, so every probe is refused at once and the nodes stay {@code waiting}.
 * Detach, attach, the commands' arguments, refusals and events are checked here; the real
 * failovers are in {@link ClusterCoordinatorIT}.
 */
class ClusterCoordinatorTest {

    @TempDir
    Path dir;

    private ClusterCoordinator coordinator;

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private ClusterCoordinator start(Map<String, String> extra) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            values.put("backend_hostname" + i, "127.0.0.1");
            values.put("backend_port" + i, Integer.toString(closedPort()));
            values.put("backend_data_directory" + i, "/data/" + i);
        }
        values.put("work_dir", dir.toString());
        values.put("sr_check_period", "0");
        values.putAll(extra);
        coordinator = new ClusterCoordinator(ClusterSettings.fromConfig(PgpoolConfig.fromMap(values)),
                ClusterCoordinator.Options.defaults());
        coordinator.start();
        return coordinator;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void nodesThatDoNotAnswerStayWaitingWithoutAPrimary() throws Exception {
        ClusterSnapshot snapshot = start(Map.of()).snapshot();
        assertThat(snapshot.nodes()).extracting(NodeSnapshot::status).containsOnly(NodeStatus.WAITING);
        assertThat(snapshot.primaryId()).isEmpty();
        assertThat(snapshot.nodes()).extracting(NodeSnapshot::actualRole).containsOnly("unknown");
    }

    @Test
    void rawModeMakesTheFirstNodeThatIsUpTheMainNode() throws Exception {
        start(Map.of("backend_clustering_mode", "raw"));
        assertThat(coordinator.snapshot().primaryId()).hasValue(0);
        assertThat(coordinator.snapshot().nodes()).extracting(NodeSnapshot::role)
                .containsExactly(NodeRole.MAIN, NodeRole.REPLICA, NodeRole.REPLICA);
        coordinator.detachNode(0, "test").get(10, TimeUnit.SECONDS);
        assertThat(coordinator.snapshot().primaryId()).hasValue(1);
        assertThat(coordinator.journal().events()).anyMatch(e -> e.kind() == ClusterEvent.Kind.PRIMARY_CHANGED
                && e.message().equals("main node is now node 1 (was node 0)"));
    }

    @Test
    void detachRunsFailoverCommandAndAttachRunsFailbackCommand() throws Exception {
        Path log = dir.resolve("commands.log");
        start(Map.of("failover_command", "echo failover '%d|%h|%p|%D|%m|%M|%P' >> " + log,
                "failback_command", "echo failback '%d|%m|%M' >> " + log + "; echo done"));
        List<ClusterEvent> heard = new CopyOnWriteArrayList<>();
        coordinator.subscribe((event, snapshot) -> heard.add(event));
        int port1 = coordinator.snapshot().nodes().get(1).port();

        coordinator.detachNode(1, "test").get(10, TimeUnit.SECONDS);
        assertThat(coordinator.snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.DOWN);
        coordinator.attachNode(1, "test").get(10, TimeUnit.SECONDS);
        assertThat(coordinator.snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.UP);

        // No primary is known (nothing answers), so %P is -1; the main node is 0 throughout.
        assertThat(Files.readAllLines(log)).containsExactly(
                "failover  1|127.0.0.1| " + port1 + "|/data/1| 0|0|-1",
                "failback  1| 0|0");
        assertThat(heard).extracting(ClusterEvent::kind).containsExactly(ClusterEvent.Kind.NODE_DOWN,
                ClusterEvent.Kind.FAILOVER_COMMAND, ClusterEvent.Kind.NODE_ATTACHED, ClusterEvent.Kind.FAILBACK_COMMAND);
        assertThat(heard.get(3).detail()).contains("exit status 0").contains("done");
        assertThat(Files.readString(dir.resolve(StatusFile.NAME))).isEqualTo("up\nup\nup\n");
    }

    @Test
    void aFailingCommandIsReportedWithItsOutput() throws Exception {
        start(Map.of("failover_command", "echo 'no such host' >&2; exit 3"));
        coordinator.detachNode(2, "test").get(10, TimeUnit.SECONDS);
        assertThat(coordinator.journal().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.FAILOVER_COMMAND);
            assertThat(e.message()).isEqualTo("failover_command for node 2 failed");
            assertThat(e.detail()).contains("exit status 3").contains("no such host");
        });
    }

    @Test
    void aCommandPastItsTimeLimitIsKilled() throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("backend_hostname0", "127.0.0.1");
        values.put("backend_port0", Integer.toString(closedPort()));
        values.put("work_dir", dir.toString());
        values.put("failover_command", "sleep 30");
        coordinator = new ClusterCoordinator(ClusterSettings.fromConfig(PgpoolConfig.fromMap(values))
                .withCommandTimeout(java.time.Duration.ofMillis(300)), ClusterCoordinator.Options.defaults());
        coordinator.start();
        long start = System.nanoTime();
        coordinator.detachNode(0, "test").get(10, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(coordinator.journal().events()).anyMatch(e -> e.kind() == ClusterEvent.Kind.FAILOVER_COMMAND
                && e.detail().contains("time limit"));
    }

    @Test
    void detachIsRefusedForADownNodeAndWhenTheFlagDisallowsFailover() throws Exception {
        start(Map.of("backend_flag2", "DISALLOW_TO_FAILOVER"));
        coordinator.detachNode(1, "test").get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> coordinator.detachNode(1, "again"))
                .isInstanceOf(ClusterRequestException.class)
                .hasMessage("invalid degenerate backend request, node id : 1 status: [3] is not valid for failover");
        assertThatThrownBy(() -> coordinator.detachNode(2, "flag"))
                .isInstanceOf(ClusterRequestException.class)
                .hasMessageContaining("failover is disallowed on the node");
        assertThatThrownBy(() -> coordinator.detachNode(7, "range"))
                .isInstanceOf(ClusterRequestException.class)
                .hasMessageContaining("is out of range");
    }

    @Test
    void backendFailuresDetachOnlyWhenConfiguredTo() throws Exception {
        start(Map.of("failover_on_backend_error", "off", "failover_on_backend_shutdown", "on"));
        coordinator.reportBackendFailure(1, BackendFailure.CONNECTION_ERROR, "connection reset");
        coordinator.reportBackendFailure(2, BackendFailure.SHUTDOWN, "57P01");
        // The shutdown report is confirmed by a connection attempt first (refused here: nothing listens).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (coordinator.snapshot().nodes().get(2).status() != NodeStatus.DOWN && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // Reports are handled in order on the owner thread; an attach after them completes once they were.
        coordinator.attachNode(0, "barrier").get(10, TimeUnit.SECONDS);
        assertThat(coordinator.snapshot().nodes()).extracting(NodeSnapshot::status)
                .containsExactly(NodeStatus.WAITING, NodeStatus.WAITING, NodeStatus.DOWN);
        assertThat(coordinator.journal().events()).anyMatch(e -> e.kind() == ClusterEvent.Kind.NODE_DOWN
                && e.message().contains("reported shutdown") && e.message().contains("a new connection failed"));
    }

    @Test
    void lastWordsNameAFailureOnlyForShutdownCodes() {
        assertThat(BackendFailure.fromLastWords("57P01")).hasValue(BackendFailure.SHUTDOWN);
        assertThat(BackendFailure.fromLastWords("57P02")).hasValue(BackendFailure.SHUTDOWN);
        // 57P03 cannot_connect_now, 25P03 idle_in_transaction_session_timeout, 28P01 a refused password.
        assertThat(BackendFailure.fromLastWords("57P03")).isEmpty();
        assertThat(BackendFailure.fromLastWords("25P03")).isEmpty();
        assertThat(BackendFailure.fromLastWords("28P01")).isEmpty();
    }

    @Test
    void aBackendAddedByReloadStaysDownUntilAttached() throws Exception {
        start(Map.of());
        Map<String, String> values = new HashMap<>();
        for (NodeSnapshot n : coordinator.snapshot().nodes()) {
            values.put("backend_hostname" + n.id(), n.hostname());
            values.put("backend_port" + n.id(), Integer.toString(n.port()));
        }
        values.put("backend_hostname3", "127.0.0.1");
        values.put("backend_port3", Integer.toString(closedPort()));
        values.put("backend_weight3", "3");
        values.put("work_dir", dir.toString());
        coordinator.reload(ClusterSettings.fromConfig(PgpoolConfig.fromMap(values)));

        ClusterSnapshot snapshot = coordinator.snapshot();
        assertThat(snapshot.nodeCount()).isEqualTo(4);
        assertThat(snapshot.nodes().get(3).status()).isEqualTo(NodeStatus.DOWN);
        assertThat(snapshot.nodes().get(3).weight()).isEqualTo(0.5);
        assertThat(snapshot.nodes().get(0).weight()).isCloseTo(1.0 / 6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Files.readString(dir.resolve(StatusFile.NAME))).isEqualTo("up\nup\nup\ndown\n");
        coordinator.attachNode(3, "test").get(10, TimeUnit.SECONDS);
        assertThat(coordinator.snapshot().nodes().get(3).status()).isEqualTo(NodeStatus.UP);
    }

    @Test
    void promoteOutsideStreamingReplicationIsFatal() throws Exception {
        start(Map.of("backend_clustering_mode", "raw"));
        assertThatThrownBy(() -> coordinator.promoteNode(1, false))
                .isInstanceOfSatisfying(ClusterRequestException.class, e -> {
                    assertThat(e.isFatal()).isTrue();
                    assertThat(e.detail()).hasValue("not in streaming replication mode, can't promote node id 1");
                });
    }
}
