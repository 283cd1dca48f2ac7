package io.tidepool.console.client.pgpool;

import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.NodeRole;
import io.tidepool.console.PcpChannels;
import io.tidepool.console.client.ActionResult;
import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.harness.TestClusters;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.server.TidepoolEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The remote-Tidepool client against a real engine (PCP + proxy) over the shared harness cluster,
 * without a window: nodes and roles over PCP, the honest PCP-only fallback when the SQL port
 * answers {@code SHOW pool_nodes} with PostgreSQL's "unrecognized configuration parameter", and a
 * node action sent over PCP (detach, then attach: only the engine's view changes).
 */
class RemoteTidepoolClientIT {

    private static final String PCP_USER = "console";
    private static final String PCP_PASSWORD = "pcp secret";

    private static LocalCluster cluster;
    private static TidepoolEngine engine;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        cluster = TestClusters.primaryWithStandbys(2);
        Files.writeString(dir.resolve("pcp.conf"), PCP_USER + ":" + Md5Hash.pcpConfValue(PCP_PASSWORD) + "\n");
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(cluster, dir, Map.of(
                "health_check_period", "1", "sr_check_period", "1")),
                TidepoolEngine.Options.defaults().withProxy(true));
        engine.start();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static ClusterClient client(int sqlPort) {
        ConnectionProfile profile = new ConnectionProfile("engine", ClusterClientKind.REMOTE_TIDEPOOL, "127.0.0.1", sqlPort,
                "postgres", cluster.superuser(), engine.pcpPort().orElseThrow(), PCP_USER);
        ClusterClient c = new ClusterClients(PcpChannels.factory()).open(profile, Optional.of(cluster.superuserPassword()),
                Optional.of(PCP_PASSWORD));
        c.start();
        return c;
    }

    @Test
    void whereTheSqlPortDoesNotAnswerShowPoolNodesTheNodesComeFromPcpWithTheMissingFieldsUnknown() throws Exception {
        // PostgreSQL itself on the SQL port: exactly what a proxy without admin commands passes on.
        try (ClusterClient c = client(cluster.primary().port())) {
            awaitConnected(c);
            assertThat(c.kind()).isEqualTo(ClusterClientKind.REMOTE_TIDEPOOL);
            assertThat(c.connectionStatus().detail()).contains("over PCP only", "select_cnt and load_balance_node are unknown");

            ClusterSnapshot s = c.snapshot().get(10, TimeUnit.SECONDS);
            assertThat(s.nodes()).extracting(PoolNode::role).containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY, NodeRole.STANDBY);
            assertThat(s.nodes()).extracting(PoolNode::port)
                    .containsExactlyElementsOf(cluster.nodes().stream().map(n -> n.port()).toList());
            assertThat(s.nodes()).allSatisfy(n -> {
                assertThat(n.selectCount()).isEmpty();
                assertThat(n.loadBalanceNode()).isEmpty();
            });
        }
    }

    @Test
    void throughTheProxyPortTheNodesAndAnActionOverPcpWork() throws Exception {
        try (ClusterClient c = client(engine.proxy().orElseThrow().tcpAddress().getPort())) {
            awaitConnected(c);
            ClusterSnapshot s = c.snapshot().get(10, TimeUnit.SECONDS);
            assertThat(s.nodes()).extracting(PoolNode::role).containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY, NodeRole.STANDBY);
            // Answered by SQL, select_cnt is known; over PCP alone it must be unknown, never an invented 0.
            boolean pcpOnly = c.connectionStatus().detail().contains("over PCP only");
            assertThat(s.nodes()).allSatisfy(n -> assertThat(n.selectCount().isPresent()).isEqualTo(!pcpOnly));

            PoolNode standby = s.node(2).orElseThrow();
            assertThat(c.perform(NodeAction.DETACH, standby).get(20, TimeUnit.SECONDS)).isInstanceOf(ActionResult.Done.class);
            PoolNode down = awaitNode(c, 2, n -> n.status() == PoolNodeStatus.DOWN);
            assertThat(c.perform(NodeAction.ATTACH, down).get(20, TimeUnit.SECONDS)).isInstanceOf(ActionResult.Done.class);
            awaitNode(c, 2, n -> n.status().isServing());
        }
    }

    private static void awaitConnected(ClusterClient c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (c.connectionStatus().state() != ConnectionState.CONNECTED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not connected: " + c.connectionStatus());
            }
            Thread.sleep(100);
        }
    }

    private static PoolNode awaitNode(ClusterClient c, int id, Predicate<PoolNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            PoolNode n = c.snapshot().get(10, TimeUnit.SECONDS).node(id).orElseThrow();
            if (condition.test(n)) {
                return n;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + id + " never reached the expected state; last: " + n);
            }
            Thread.sleep(200);
        }
    }
}
