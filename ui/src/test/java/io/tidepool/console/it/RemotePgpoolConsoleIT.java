package io.tidepool.console.it;

import io.tidepool.console.PcpChannels;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.harness.DebianPgpool;
import io.tidepool.harness.TestClusters;
import io.tidepool.ops.local.LocalCluster;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.tidepool.console.it.ConsoleFixture.fx;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console against Debian's pgpool-II in front of a real primary + 2 standbys, in a real
 * window: it shows what SHOW pool_nodes says, detaches a standby over PCP from the table's
 * context menu, and sees a node killed behind its back go down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemotePgpoolConsoleIT {

    private static LocalCluster cluster;
    private static DebianPgpool pgpool;
    private static ConsoleFixture console;
    private final FxRobot robot = new FxRobot();

    @BeforeAll
    static void start(@TempDir Path scratch) throws Exception {
        DebianPgpool.requireInstalled();
        cluster = TestClusters.fresh(2);
        pgpool = DebianPgpool.start(cluster.nodes().stream()
                .map(n -> new DebianPgpool.Backend(n.host(), n.port(), n.name())).toList(), cluster.superuser());
        console = ConsoleFixture.open(new ClusterClients(PcpChannels.factory()), scratch);
        console.connect(ConnectionProfile.pgpool("harness pgpool", "127.0.0.1", pgpool.port(), cluster.superuser(),
                pgpool.pcpPort(), DebianPgpool.PCP_USER), Optional.empty(), Optional.of(DebianPgpool.PCP_PASSWORD));
        console.await("3 nodes in the table", Duration.ofSeconds(20), () -> console.window().session().nodes().size() == 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (pgpool != null) {
            pgpool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void showsTheSameNodesAsShowPoolNodes() throws Exception {
        List<Map<String, String>> truth = pgpool.showPoolNodes(cluster.superuser());
        robot.clickOn("#nodesTab");
        TableView<PoolNode> table = robot.lookup("#nodesTable").queryTableView();

        List<PoolNode> shown = fx(() -> List.copyOf(table.getItems()));

        assertThat(shown).hasSize(truth.size());
        for (int i = 0; i < truth.size(); i++) {
            Map<String, String> row = truth.get(i);
            PoolNode node = shown.stream().filter(n -> n.nodeId() == Integer.parseInt(row.get("node_id"))).findFirst().orElseThrow();
            assertThat(node.address()).isEqualTo(row.get("hostname") + ":" + row.get("port"));
            assertThat(node.role().text()).isEqualTo(row.get("role"));
        }
        assertThat(shown).extracting(n -> n.role().text()).containsExactlyInAnyOrder("primary", "standby", "standby");
        for (PoolNode n : shown) {
            Label role = robot.lookup("#card-role-" + n.nodeId()).queryAs(Label.class);
            assertThat(fx(role::getText)).isEqualTo("node " + n.nodeId() + " \u00b7 " + n.role().text().toUpperCase());
        }
    }

    @Test
    @Order(2)
    void detachingAStandbyFromTheTableChangesItsCardAndRowWithinTwoRefreshes() {
        robot.clickOn("#nodesTab");
        TableView<PoolNode> table = robot.lookup("#nodesTable").queryTableView();
        Node detach = console.openRowMenuItem(robot, 1, "action-detach-1");
        Node recover = robot.lookup(".context-menu .menu-item").match((Node n) -> "action-recover-1".equals(n.getId())).query();
        assertThat(recover.getPseudoClassStates()).contains(javafx.css.PseudoClass.getPseudoClass("disabled"));
        assertThat(fx(() -> ((javafx.scene.control.Labeled) recover.lookup(".label")).getText()))
                .startsWith("Recover \u2014 online recovery is not available");
        assertThat(detach.getPseudoClassStates()).as("detach must be enabled (it needs PCP): '%s'",
                ((javafx.scene.control.Labeled) detach.lookup(".label")).getText())
                .doesNotContain(javafx.css.PseudoClass.getPseudoClass("disabled"));
        robot.clickOn(detach);
        robot.clickOn("#confirm-action");

        console.await("the detach request to finish", Duration.ofSeconds(15), () -> console.window().actions()
                .currentTaskProperty().get().map(t -> t.stateProperty().get() != io.tidepool.console.session.ConsoleTask.State.RUNNING)
                .orElse(false));
        assertThat(fx(() -> console.window().actions().currentTaskProperty().get().orElseThrow().messageProperty().get()))
                .doesNotContain("could not");
        int after = console.snapshots();
        console.await("node 1 down in the table within 2 refreshes", Duration.ofSeconds(10),
                () -> console.window().session().nodes().stream().anyMatch(n -> n.nodeId() == 1 && n.status() == PoolNodeStatus.DOWN));
        assertThat(console.snapshots() - after).isLessThanOrEqualTo(2);
        assertThat(fx(() -> table.getItems().stream().filter(n -> n.nodeId() == 1).findFirst().orElseThrow().status()))
                .isEqualTo(PoolNodeStatus.DOWN);
        console.keepPicture("after-detach-table");

        robot.clickOn("#topologyTab");
        Label status = robot.lookup("#card-status-1").queryAs(Label.class);
        assertThat(fx(status::getText)).startsWith("down");
        assertThat(fx(() -> robot.lookup("#node-card-1").query().getStyleClass())).contains("status-down");
    }

    @Test
    @Order(3)
    void aNodeKilledOutsideTheConsoleTurnsDownInTheView() {
        cluster.standby(2).kill();

        console.await("node 2 down after pgpool-II's health check", Duration.ofSeconds(30),
                () -> console.window().session().nodes().stream().anyMatch(n -> n.nodeId() == 2 && n.status() == PoolNodeStatus.DOWN));
        Label status = robot.lookup("#card-status-2").queryAs(Label.class);
        assertThat(fx(status::getText)).startsWith("down");
        assertThat(fx(() -> console.window().session().events().stream()
                .anyMatch(e -> e.kind() == io.tidepool.console.client.ClusterEvent.Kind.NODE_DOWN
                        && e.nodeId().orElse(-1) == 2))).isTrue();
    }

    @Test
    @Order(4)
    void attachFromTheCardMenuBringsTheDetachedStandbyBack() {
        robot.clickOn("#topologyTab");
        console.runFromCard(robot, 1, "action-attach-1");

        console.await("node 1 serving again", Duration.ofSeconds(15), () -> node(1).status().isServing());
        // pgpool-II reports an attached node as waiting until a session connects to it.
        console.await("node 1's card serving", Duration.ofSeconds(5), () -> robot.lookup("#card-status-1").queryAs(Label.class)
                .getText().matches("(up|waiting) \u00b7 server up"));
    }

    @Test
    @Order(5)
    void promoteFromTheCardMakesTheStandbyPrimaryAndTheCardSaysTheServerDisagrees() {
        console.runFromCard(robot, 1, "action-promote-1");

        // pgpool-II's promote only records the new primary (spec 1.7.1: no pg_promote without
        // failover scripts), so the server itself is still a standby: the card must say so.
        console.await("node 1 recorded primary", Duration.ofSeconds(20), () -> node(1).isPrimary());
        console.await("the card's disagreement warning", Duration.ofSeconds(20), () -> robot.lookup("#node-card-1 .card-warning")
                .queryAll().stream().anyMatch(n -> ((Label) n).getText().contains("recorded primary but the server is standby")));
        assertThat(fx(() -> robot.lookup("#card-role-1").queryAs(Label.class).getText())).startsWith("node 1 \u00b7 PRIMARY");
        console.keepPicture("after-promote");
    }

    private static PoolNode node(int id) {
        return console.window().session().nodes().stream().filter(n -> n.nodeId() == id).findFirst().orElseThrow();
    }
}
