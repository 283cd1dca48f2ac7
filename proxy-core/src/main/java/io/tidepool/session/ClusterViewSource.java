package io.tidepool.session;

import io.tidepool.backend.BackendNode;
import io.tidepool.cluster.NodeRole;
import io.tidepool.routing.ClusterView;
import io.tidepool.routing.NodeView;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster as sessions see it at a statement boundary (DESIGN hard part 7: a session reads it
 * at its next boundary, never mid-message). The cluster owner ({@code ClusterCoordinator}) adapts
 * its snapshots to this; {@link #fixed} serves until it is wired in, and in tests.
 */
public interface ClusterViewSource {

    /** The current view; cheap (a volatile read), called once per statement. */
    ClusterView current();

    /** Where node {@code id} listens, if configured. */
    java.util.Optional<BackendNode> node(int id);

    /**
     * A cluster that never changes: {@code nodes} with {@code weights}, node {@code primaryId} the
     * primary and every other node a standby.
     */
    static ClusterViewSource fixed(List<BackendNode> nodes, List<Double> weights, int primaryId) {
        List<NodeView> views = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            BackendNode n = nodes.get(i);
            double weight = i < weights.size() ? weights.get(i) : 1.0;
            views.add(new NodeView(n.id(), true, n.id() == primaryId ? NodeRole.PRIMARY : NodeRole.STANDBY, weight, 0, 0));
        }
        ClusterView view = new ClusterView(views);
        List<BackendNode> copy = List.copyOf(nodes);
        return new ClusterViewSource() {
            @Override
            public ClusterView current() {
                return view;
            }

            @Override
            public java.util.Optional<BackendNode> node(int id) {
                return copy.stream().filter(n -> n.id() == id).findFirst();
            }
        };
    }
}
