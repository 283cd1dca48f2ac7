package io.tidepool.session;

import io.tidepool.backend.BackendNode;
import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.ClusteringMode;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ServingSettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN hard part 7: sessions read the cluster owner's snapshots at each statement boundary. A
 * standby the owner marks down receives no more reads from a session already running, and
 * SHOW pool_nodes prints the owner's view.
 */
@ExtendWith(LeakDetection.class)
class ClusterOwnerIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    private static NodeSnapshot node(int id, NodeStatus status, NodeRole role) {
        return new NodeSnapshot(id, pg.nodes().get(id).host(), pg.nodes().get(id).port(), status, false,
                NodeSnapshot.ActualStatus.UP, 1 / 3.0, role, role.text(), 0, false, "", "", Instant.EPOCH, 0, false);
    }

    private static ClusterSnapshot snapshot(NodeStatus standby1) {
        return new ClusterSnapshot(List.of(node(0, NodeStatus.UP, NodeRole.PRIMARY), node(1, standby1, NodeRole.STANDBY),
                node(2, NodeStatus.UP, NodeRole.STANDBY)), OptionalInt.of(0), ClusteringMode.STREAMING_REPLICATION,
                Instant.now());
    }

    @Test
    void aRunningSessionStopsReadingFromAStandbyTheOwnerMarksDown() throws Exception {
        List<BackendNode> nodes = new ArrayList<>();
        for (int i = 0; i < pg.nodes().size(); i++) {
            nodes.add(new BackendNode(i, pg.nodes().get(i).host(), pg.nodes().get(i).port()));
        }
        ServingSettings serving = ServingSettings.unlimited().withWeights(List.of(0.0, 1.0, 1.0));
        serving = serving.withRouting(serving.routing().toBuilder().statementLevelLoadBalance(true).build());
        ProxyServer proxy = new ProxyServer(ProxySettings.loopback(0, nodes).streaming(serving));
        AtomicReference<ClusterSnapshot> owner = new AtomicReference<>(snapshot(NodeStatus.UP));
        proxy.followCluster(owner::get);
        proxy.start();
        PgEndpoint via = pg.primary().endpoint().withAddress("127.0.0.1", proxy.tcpAddress().getPort());
        int downPort = pg.nodes().get(1).port();
        try (Connection c = PgClients.jdbc(via); Statement st = c.createStatement()) {
            Set<Integer> before = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                before.add(port(st));
            }
            assertThat(before).contains(downPort);
            owner.set(snapshot(NodeStatus.DOWN));
            for (int i = 0; i < 40; i++) {
                assertThat(port(st)).isNotEqualTo(downPort);
            }
            Map<String, String> status = new HashMap<>();
            try (ResultSet rs = st.executeQuery("show pool_nodes")) {
                while (rs.next()) {
                    status.put(rs.getString("node_id"), rs.getString("status"));
                }
            }
            assertThat(status).containsEntry("0", "up").containsEntry("1", "down").containsEntry("2", "up");
        } finally {
            proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
        }
    }

    private static int port(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("show port")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
