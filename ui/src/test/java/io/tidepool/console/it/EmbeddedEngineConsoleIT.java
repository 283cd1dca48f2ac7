package io.tidepool.console.it;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.NodeRole;
import io.tidepool.console.PcpChannels;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.client.embedded.EmbeddedEngineClient;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.harness.TestClusters;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.server.logging.LogTail;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.tidepool.console.it.ConsoleFixture.fx;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console on a Tidepool engine running in the test's process, over a fresh primary + 2
 * standbys with {@code builtin_failover} and one-second checks, in a real window: the nodes and
 * roles as the cluster owner has them, a standby detached and attached from the UI, a standby
 * killed behind the console's back and then recovered from its card (online recovery over a test
 * sshd), and a standby promoted from its card into a real primary.
 * One cluster for the class (the tests run in order; the last one changes the primary).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedEngineConsoleIT {

    private static LocalCluster cluster;
    private static TestSshd sshd;
    private static TidepoolEngine engine;
    private static LogTail log;
    private static ConsoleFixture console;
    private final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start(@TempDir Path scratch) throws Exception {
        cluster = TestClusters.fresh(2);
        sshd = TestSshd.start();
        sshd.trustHostKey();
        Path work = Files.createDirectories(scratch.resolve("engine"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Checks every second; retries and timeouts generous enough that a busy machine (a slow
        // connect) is not taken for a dead server, while a killed one (refused) is down in seconds.
        Map<String, String> settings = new HashMap<>(Map.of(
                "builtin_failover", "on", "health_check_period", "1", "health_check_max_retries", "2",
                "health_check_retry_delay", "1", "health_check_timeout", "5", "connect_timeout", "3000",
                "sr_check_period", "1"));
        // Online recovery over SSH to the nodes' host (loopback), as the OS user PostgreSQL runs as.
        settings.putAll(Map.of(
                "recovery_user", ClusterConfigs.quote(cluster.superuser()),
                "recovery_password", ClusterConfigs.quote(cluster.superuserPassword()),
                "recovery_timeout", "60",
                "recovery_replication_user", ClusterConfigs.quote(cluster.replicationUser()),
                "recovery_replication_password", ClusterConfigs.quote(cluster.replicationPassword()),
                "ssh_port", Integer.toString(sshd.port()),
                "ssh_user", ClusterConfigs.quote(sshd.user()),
                "ssh_identity_file", ClusterConfigs.quote(sshd.clientKey().toString()),
                "ssh_known_hosts_file", ClusterConfigs.quote(sshd.knownHosts().toString())));
        for (int i = 0; i < cluster.nodes().size(); i++) {
            settings.put("backend_application_name" + i, ClusterConfigs.quote(cluster.nodes().get(i).name()));
        }
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(cluster, work, settings),
                TidepoolEngine.Options.defaults().withPcp(false));
        engine.start();
        log = LogTail.attach(LogTail.DEFAULT_CAPACITY);
        ClusterClients clients = new ClusterClients(PcpChannels.factory()).withEmbeddedEngine(
                () -> new EmbeddedEngineClient(engine, Optional.of(log), EmbeddedEngineClient.selectCountsUnknown()));
        console = ConsoleFixture.open(clients, scratch);
        console.connect(ConnectionProfile.embedded("harness engine"), Optional.empty(), Optional.empty());
        console.await("3 nodes in the view", Duration.ofSeconds(20), () -> console.window().session().nodes().size() == 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (log != null) {
            log.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    @Order(1)
    void showsTheOwnersNodesWithTheirRolesOnCardsAndInTheTable() {
        console.await("every node up", Duration.ofSeconds(15), () -> console.window().session().nodes().stream()
                .allMatch(n -> n.status() == PoolNodeStatus.UP));
        List<PoolNode> shown = fx(() -> List.copyOf(console.window().session().nodes()));
        assertThat(shown).extracting(PoolNode::address).containsExactlyElementsOf(
                cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).toList());
        assertThat(shown).extracting(PoolNode::role).containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY, NodeRole.STANDBY);
        assertThat(shown).extracting(PoolNode::selectCountText).containsOnly("unknown");
        for (PoolNode n : shown) {
            assertThat(fx(() -> robot.lookup("#card-role-" + n.nodeId()).queryAs(Label.class).getText()))
                    .isEqualTo("node " + n.nodeId() + " \u00b7 " + n.role().text().toUpperCase());
        }
        robot.clickOn("#nodesTab");
        TableView<PoolNode> table = robot.lookup("#nodesTable").queryTableView();
        assertThat(fx(() -> table.getItems().size())).isEqualTo(3);
        // The engine's journal is replayed into the timeline on connecting.
        assertThat(fx(() -> console.window().session().events().stream()
                .anyMatch(e -> e.kind() == ClusterEvent.Kind.ROLE_CHANGED || e.kind() == ClusterEvent.Kind.NODE_UP))).isTrue();
    }

    @Test
    @Order(2)
    void detachingAStandbyFromTheTableChangesItsCardAndRowWithinTwoRefreshes() {
        robot.clickOn("#nodesTab");
        TableView<PoolNode> table = robot.lookup("#nodesTable").queryTableView();
        Node detach = console.openRowMenuItem(robot, 1, "action-detach-1");
        Node recover = robot.lookup(".context-menu .menu-item").match((Node n) -> "action-recover-1".equals(n.getId())).query();
        assertThat(recover.getPseudoClassStates()).contains(PseudoClass.getPseudoClass("disabled"));
        assertThat(fx(() -> ((Labeled) recover.lookup(".label")).getText()))
                .startsWith("Recover \u2014 node 1 is up; online recovery rebuilds a detached node");
        robot.clickOn(detach);
        robot.clickOn("#confirm-action");

        int before = console.snapshots();
        console.await("node 1 down in the table", Duration.ofSeconds(15),
                () -> table.getItems().stream().anyMatch(n -> n.nodeId() == 1 && n.status() == PoolNodeStatus.DOWN));
        assertThat(console.snapshots() - before).as("refreshes until the row changed").isLessThanOrEqualTo(2);
        robot.clickOn("#topologyTab");
        assertThat(fx(() -> robot.lookup("#card-status-1").queryAs(Label.class).getText())).startsWith("down");
        assertThat(fx(() -> robot.lookup("#node-card-1").query().getStyleClass())).contains("status-down");
        console.keepPicture("embedded-after-detach");

        // The engine's own words, in the timeline and in the log tail.
        console.await("the engine's NODE_DOWN event for node 1", Duration.ofSeconds(5), () -> console.window().session()
                .events().stream().anyMatch(e -> e.kind() == ClusterEvent.Kind.NODE_DOWN && e.nodeId().orElse(-1) == 1));
        robot.clickOn("#eventsTab");
        ListView<String> logList = robot.lookup("#logList").queryListView();
        console.await("the log tail shows the detach", Duration.ofSeconds(5),
                () -> logList.getItems().stream().anyMatch(l -> l.contains("NODE_DOWN node 1")));

        robot.clickOn("#topologyTab");
        console.runFromCard(robot, 1, "action-attach-1");
        console.await("node 1 serving again", Duration.ofSeconds(20), () -> console.window().session().nodes().stream()
                .anyMatch(n -> n.nodeId() == 1 && n.status().isServing()));
    }

    @Test
    @Order(3)
    void aNodeKilledOutsideTheConsoleTurnsDownInTheView() {
        cluster.standby(2).kill();

        console.await("node 2 down after the health check", Duration.ofSeconds(30), () -> console.window().session()
                .nodes().stream().anyMatch(n -> n.nodeId() == 2 && n.status() == PoolNodeStatus.DOWN));
        robot.clickOn("#topologyTab");
        assertThat(fx(() -> robot.lookup("#card-status-2").queryAs(Label.class).getText())).startsWith("down");
        assertThat(fx(() -> console.window().session().events().stream()
                .anyMatch(e -> e.kind() == ClusterEvent.Kind.NODE_DOWN && e.nodeId().orElse(-1) == 2))).isTrue();
    }

    @Test
    @Order(4)
    void recoverFromTheCardRebuildsTheKilledStandbyAndAttachesIt() {
        robot.clickOn("#topologyTab");
        console.runFromCard(robot, 2, "action-recover-2");

        console.await("node 2 serving again", Duration.ofSeconds(30), () -> console.window().session().nodes().stream()
                .anyMatch(n -> n.nodeId() == 2 && n.status().isServing()));
        assertThat(cluster.standby(2).isInRecovery()).as("node 2 runs as a standby again").isTrue();
        console.await("the recovery's events in the timeline", Duration.ofSeconds(10), () -> console.window().session()
                .events().stream().anyMatch(e -> e.nodeId().orElse(-1) == 2
                        && e.kind() == ClusterEvent.Kind.RECOVERY
                        && e.message().equals("node 2 recovered and attached")));
        console.keepPicture("embedded-after-recover");
    }

    @Test
    @Order(5)
    void promoteFromTheCardMakesTheStandbyARealPrimary() throws Exception {
        robot.clickOn("#topologyTab");
        console.runFromCard(robot, 1, "action-promote-1");

        console.await("node 1 recorded primary", Duration.ofSeconds(30), () -> console.window().session().nodes().stream()
                .anyMatch(n -> n.nodeId() == 1 && n.isPrimary()));
        assertThat(cluster.standby(1).isInRecovery()).as("pg_is_in_recovery() on node 1").isFalse();
        console.await("node 1's card says primary", Duration.ofSeconds(10), () -> robot.lookup("#card-role-1")
                .queryAs(Label.class).getText().startsWith("node 1 \u00b7 PRIMARY"));
        assertThat(fx(() -> console.window().session().events().stream()
                .anyMatch(e -> e.kind() == ClusterEvent.Kind.PROMOTED && e.nodeId().orElse(-1) == 1))).isTrue();
        console.keepPicture("embedded-after-promote");
    }
}
