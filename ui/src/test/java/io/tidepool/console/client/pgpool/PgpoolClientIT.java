package io.tidepool.console.client.pgpool;

import io.tidepool.console.client.ActionResult;
import io.tidepool.console.client.ClusterClientException;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.ConnectionStatus;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.harness.Await;
import io.tidepool.harness.DebianPgpool;
import io.tidepool.harness.TestClusters;
import io.tidepool.ops.local.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The remote pgpool-II client against Debian's pgpool-II in front of the shared harness cluster. */
class PgpoolClientIT {
    /** How long the client may take to show a change: it polls, and retries with a growing delay. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static LocalCluster cluster;
    private static DebianPgpool pgpool;

    @BeforeAll
    static void start() {
        DebianPgpool.requireInstalled();
        cluster = TestClusters.primaryWithStandbys(2);
        pgpool = DebianPgpool.start(cluster.nodes().stream()
                .map(n -> new DebianPgpool.Backend(n.host(), n.port(), n.name())).toList(), cluster.superuser());
    }

    @AfterAll
    static void stop() {
        if (pgpool != null) {
            pgpool.close();
        }
    }

    private static PgpoolClient client(int port) {
        return new PgpoolClient(new PgpoolEndpoint("127.0.0.1", port, "postgres", cluster.superuser(), Optional.empty(),
                OptionalInt.empty(), cluster.superuser(), Optional.empty()), Optional.empty(), Duration.ofSeconds(5),
                new RetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    }

    @Test
    void snapshotHasTheRowsOfShowPoolNodes() throws Exception {
        try (PgpoolClient c = client(pgpool.port())) {
            c.start();
            Await.until(TIMEOUT, "connected", () -> c.connectionStatus().state() == ConnectionState.CONNECTED);

            ClusterSnapshot s = c.snapshot().get(10, TimeUnit.SECONDS);
            List<Map<String, String>> truth = pgpool.showPoolNodes(cluster.superuser());

            assertThat(s.nodes()).hasSize(3);
            for (Map<String, String> row : truth) {
                PoolNode n = s.node(Integer.parseInt(row.get("node_id"))).orElseThrow();
                assertThat(n.hostname()).isEqualTo(row.get("hostname"));
                assertThat(n.port()).isEqualTo(Integer.parseInt(row.get("port")));
                assertThat(n.role().text()).isEqualTo(row.get("role"));
                assertThat(n.status().text()).isEqualTo(row.get("status"));
            }
            assertThat(s.primary().orElseThrow().port()).isEqualTo(cluster.primary().port());
        }
    }

    @Test
    void plainPostgresqlIsRecognisedAsNotPgpool() throws Exception {
        try (PgpoolClient c = client(cluster.primary().port())) {
            c.start();
            Await.until(TIMEOUT, "a failed attempt", () -> c.connectionStatus().state() == ConnectionState.LOST);

            assertThat(c.connectionStatus().detail()).contains("is not pgpool-II (SHOW pool_nodes is unknown there)");
            assertThatThrownBy(() -> c.snapshot().join()).hasCauseInstanceOf(ClusterClientException.class)
                    .hasMessageContaining("not connected to pgpool-II at 127.0.0.1:" + cluster.primary().port());
        }
    }

    @Test
    void lostConnectionIsReportedRetriedAndRecovered() throws Exception {
        List<ConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        try (PgpoolClient c = client(pgpool.port())) {
            c.onConnectionStatus(statuses::add);
            c.onEvent(events::add);
            c.start();
            Await.until(TIMEOUT, "connected", () -> c.connectionStatus().state() == ConnectionState.CONNECTED);

            pgpool.stop();
            assertThatThrownBy(() -> c.snapshot().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ClusterClientException.class);
            Await.until(TIMEOUT, "lost", () -> c.connectionStatus().state() == ConnectionState.LOST);
            assertThat(c.connectionStatus().nextAttempt()).isPresent();

            pgpool.start();
            Await.until(TIMEOUT, "reconnected", () -> c.connectionStatus().state() == ConnectionState.CONNECTED);
            assertThat(c.snapshot().get(10, TimeUnit.SECONDS).nodes()).hasSize(3);
        }
        assertThat(statuses).extracting(ConnectionStatus::state)
                .contains(ConnectionState.CONNECTED, ConnectionState.LOST, ConnectionState.RETRYING);
        assertThat(events).extracting(ClusterEvent::message)
                .anyMatch(m -> m.startsWith("lost the connection to pgpool-II"))
                .anyMatch(m -> m.startsWith("connection restored to pgpool-II"));
    }

    private static PgpoolClient pcpClient(String pcpPassword) {
        PgpoolEndpoint e = new PgpoolEndpoint("127.0.0.1", pgpool.port(), "postgres", cluster.superuser(), Optional.empty(),
                OptionalInt.of(pgpool.pcpPort()), DebianPgpool.PCP_USER, Optional.of(pcpPassword));
        return new PgpoolClient(e, Optional.of(new PcpClientNodeCommands(e, Duration.ofSeconds(5))), Duration.ofSeconds(5),
                new RetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    }

    private static PoolNode node(PgpoolClient c, int id) throws Exception {
        return c.snapshot().get(10, TimeUnit.SECONDS).node(id).orElseThrow();
    }

    @Test
    void detachAndAttachGoThroughPcpAndShowInTheNextSnapshot() throws Exception {
        try (PgpoolClient c = pcpClient(DebianPgpool.PCP_PASSWORD)) {
            c.start();
            Await.until(TIMEOUT, "connected", () -> c.connectionStatus().state() == ConnectionState.CONNECTED);

            ActionResult detached = c.perform(NodeAction.DETACH, node(c, 2)).get(20, TimeUnit.SECONDS);
            assertThat(detached).isInstanceOf(ActionResult.Done.class);
            Await.until(TIMEOUT, "node 2 down", () -> status(c, 2) == PoolNodeStatus.DOWN);

            ActionResult attached = c.perform(NodeAction.ATTACH, node(c, 2)).get(20, TimeUnit.SECONDS);
            assertThat(attached).isInstanceOf(ActionResult.Done.class);
            Await.until(TIMEOUT, "node 2 serving again", () -> status(c, 2).isServing());
        }
    }

    @Test
    void wrongPcpPasswordFailsWithPgpoolsReason() throws Exception {
        try (PgpoolClient c = pcpClient("wrong")) {
            c.start();
            Await.until(TIMEOUT, "connected", () -> c.connectionStatus().state() == ConnectionState.CONNECTED);

            assertThatThrownBy(() -> c.perform(NodeAction.DETACH, node(c, 1)).get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterClientException.class)
                    .hasMessageContaining("could not detach node 1")
                    .hasMessageContaining("authentication failed");
            assertThat(status(c, 1).isServing()).isTrue();
        }
    }

    private static PoolNodeStatus status(PgpoolClient c, int id) {
        try {
            return node(c, id).status();
        } catch (Exception e) {
            return PoolNodeStatus.UNKNOWN;
        }
    }
}
