package io.tidepool.console.topology;

import io.tidepool.cluster.NodeRole;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.session.ClusterSession;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Cards and replication arrows for the topology view, rebuilt from each snapshot. */
public final class TopologyViewModel {

    /** An arrow from a primary to one of its standbys. */
    public record Link(int fromNodeId, int toNodeId) {
    }

    private final ObservableList<NodeCard> cards = FXCollections.observableArrayList();
    private final ObservableList<Link> links = FXCollections.observableArrayList();

    public TopologyViewModel(ClusterSession session) {
        session.onSnapshot(this::update);
        session.snapshotProperty().addListener((obs, was, now) -> {
            if (now.isEmpty()) {
                cards.clear();
                links.clear();
            }
        });
    }

    void update(ClusterSnapshot snapshot) {
        List<NodeCard> next = snapshot.nodes().stream().map(TopologyViewModel::card).toList();
        if (!next.equals(cards)) {
            cards.setAll(next);
        }
        List<Link> nextLinks = new ArrayList<>();
        snapshot.primary().ifPresent(p -> snapshot.nodes().stream()
                .filter(n -> n.role() == NodeRole.STANDBY || n.role() == NodeRole.REPLICA)
                .forEach(s -> nextLinks.add(new Link(p.nodeId(), s.nodeId()))));
        if (!nextLinks.equals(links)) {
            links.setAll(nextLinks);
        }
    }

    static NodeCard card(PoolNode n) {
        String replication;
        if (n.isPrimary()) {
            replication = "primary: no replication delay";
        } else {
            String state = n.replicationState().isEmpty() ? "replication state unknown" : n.replicationState();
            String sync = n.replicationSyncState().isEmpty() ? "" : " (" + n.replicationSyncState() + ")";
            replication = state + sync + ", delay " + n.replicationDelay().display();
        }
        return new NodeCard(
                n,
                n.address(),
                n.role().text(),
                n.status().text() + " \u00b7 server " + n.pgStatus().text(),
                "status-" + n.status().text(),
                replication,
                String.format(Locale.ROOT, "weight %.2f", n.lbWeight()),
                "select_cnt " + n.selectCount(),
                n.loadBalanceNode(),
                n.disagreements());
    }

    public ObservableList<NodeCard> cards() {
        return cards;
    }

    public ObservableList<Link> links() {
        return links;
    }
}
