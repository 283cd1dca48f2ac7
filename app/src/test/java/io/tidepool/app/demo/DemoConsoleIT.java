package io.tidepool.app.demo;

import io.tidepool.cluster.NodeRole;
import io.tidepool.console.EmbeddedConsole;
import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.connections.ConnectionStore;
import io.tidepool.harness.TestClusters;
import io.tidepool.ops.local.LocalCluster;
import javafx.application.Platform;
import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's wiring (its pgpool.conf and tidepool.conf, the engine with the proxy, the console on
 * the embedded engine) over the shared harness cluster, in a real window: the demo cluster appears
 * with its 3 nodes and their roles, and reads of the proxy work meanwhile.
 */
class DemoConsoleIT {

    @TempDir
    Path temp;

    @Test
    void theDemoClusterAppearsInTheConsoleWithThreeNodesAndTheirRoles() throws Exception {
        if (System.getenv("DISPLAY") == null) {
            throw new AssertionError("the console needs a display: run under ./tidepool test or xvfb-run");
        }
        // The servers may run as another OS user (the tests run as root): @TempDir is 0700.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalCluster cluster = TestClusters.primaryWithStandbys(2);
        Path folder = Files.createDirectories(temp.resolve("demo"));
        try (DemoEngine demo = DemoEngine.start(DemoCommand.nodesOf(cluster), 0, folder, cluster.superuser(),
                cluster.superuserPassword());
             EmbeddedConsole console = EmbeddedConsole.open(demo.consoleClients(),
                     new ConnectionStore(temp.resolve("connections.json")))) {
            assertThat(Files.readString(demo.configFile())).contains("backend_clustering_mode = 'streaming_replication'");
            assertThat(demo.engine().cluster().settings().builtinFailover()).as("builtin_failover from tidepool.conf").isTrue();

            List<PoolNode> nodes = await("3 nodes, all up, in the console", Duration.ofSeconds(30), () -> {
                List<PoolNode> shown = List.copyOf(console.window().session().nodes());
                return shown.size() == 3 && shown.stream().allMatch(n -> n.status() == PoolNodeStatus.UP) ? shown : null;
            });
            assertThat(nodes).extracting(PoolNode::role).containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY, NodeRole.STANDBY);
            assertThat(nodes).extracting(PoolNode::port).containsExactlyElementsOf(
                    cluster.nodes().stream().map(n -> n.port()).toList());
            for (PoolNode n : nodes) {
                String roleText = await("the card of node " + n.nodeId(), Duration.ofSeconds(10), () -> {
                    Label l = (Label) console.window().stage().getScene().lookup("#card-role-" + n.nodeId());
                    return l == null ? null : l.getText();
                });
                assertThat(roleText).isEqualTo("node " + n.nodeId() + " \u00b7 " + n.role().text().toUpperCase());
            }
            assertThat(fx(() -> console.window().session().clientProperty().get().orElseThrow().kind()))
                    .isEqualTo(ClusterClientKind.EMBEDDED_ENGINE);
            assertThat(fx(() -> console.window().stage().getTitle())).startsWith("Tidepool \u2014 embedded engine");

            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                    + demo.proxyPort() + "/postgres", cluster.superuser(), cluster.superuserPassword());
                 java.sql.ResultSet rs = c.createStatement().executeQuery("select 'through the demo proxy'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("through the demo proxy");
            }
            // select_cnt comes from the proxy's own counters: known for every node, and the query above counted.
            long selects = await("select_cnt counting the query", Duration.ofSeconds(15), () -> {
                long sum = 0;
                for (PoolNode n : console.window().session().nodes()) {
                    if (n.selectCount().isEmpty()) {
                        return null;
                    }
                    sum += n.selectCount().getAsLong();
                }
                return sum >= 1 ? sum : null;
            });
            assertThat(selects).isPositive();
        }
    }

    /** Polls {@code probe} on the FX thread until it answers non-null. */
    private static <T> T await(String what, Duration timeout, Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T value = fx(probe);
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    private static <T> T fx(Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(work.get());
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("FX step failed: " + e.getMessage(), e);
        }
    }
}
