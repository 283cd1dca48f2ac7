package io.tidepool.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The nodes as the router sees them at one statement boundary. Immutable. */
public record ClusterView(List<NodeView> nodes) {

    public ClusterView {
        List<NodeView> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparingInt(NodeView::id));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).id() == sorted.get(i - 1).id()) {
                throw new IllegalArgumentException("node id " + sorted.get(i).id() + " appears twice");
            }
        }
        nodes = List.copyOf(sorted);
    }

    public static ClusterView of(NodeView... nodes) {
        return new ClusterView(List.of(nodes));
    }

    /** The usable primary, if there is one. */
    public Optional<NodeView> primary() {
        return Optional.ofNullable(usablePrimary());
    }

    /** Id of the usable primary, or -1 (asked for every statement: no Optional). */
    public int primaryId() {
        NodeView primary = usablePrimary();
        return primary == null ? -1 : primary.id();
    }

    private NodeView usablePrimary() {
        for (NodeView n : nodes) {
            if (n.usable() && n.isPrimary()) {
                return n;
            }
        }
        return null;
    }

    public Optional<NodeView> node(int id) {
        for (NodeView n : nodes) {
            if (n.id() == id) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    public boolean isUsable(int id) {
        return node(id).map(NodeView::usable).orElse(false);
    }
}
