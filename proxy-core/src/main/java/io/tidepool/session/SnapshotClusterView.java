package io.tidepool.session;

import io.tidepool.backend.BackendNode;
import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.routing.ClusterView;
import io.tidepool.routing.NodeView;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cluster owner's snapshots ({@code ClusterCoordinator}) as the router sees them. A snapshot is
 * converted once and the result reused until the owner publishes the next one, so the statement
 * path costs one volatile read and one identity compare.
 *
 * <p>Usable: {@code up} and {@code waiting} (pgpool-II routes to a waiting node, which turns up on
 * first use). The role is the owner's: the snapshot's primary is {@link NodeRole#PRIMARY}.
 */
public final class SnapshotClusterView implements ClusterViewSource {
    private final Supplier<ClusterSnapshot> snapshots;
    /** The configured backends, read at each look: a reload may add one (a new {@code backend_*N} block). */
    private final Supplier<List<BackendNode>> backends;
    private volatile Converted last;

    private record Converted(ClusterSnapshot snapshot, ClusterView view) {
    }

    public SnapshotClusterView(Supplier<ClusterSnapshot> snapshots, List<BackendNode> backends) {
        List<BackendNode> fixed = List.copyOf(backends);
        this.snapshots = snapshots;
        this.backends = () -> fixed;
    }

    /** Backends from {@code backends} at each look, so nodes added by a reload can be reached. */
    public SnapshotClusterView(Supplier<ClusterSnapshot> snapshots, Supplier<List<BackendNode>> backends) {
        this.snapshots = snapshots;
        this.backends = backends;
    }

    /** The snapshot behind the current view (SHOW pool_nodes reads it directly). */
    public ClusterSnapshot snapshot() {
        return snapshots.get();
    }

    @Override
    public ClusterView current() {
        ClusterSnapshot snapshot = snapshots.get();
        Converted c = last;
        if (c != null && c.snapshot() == snapshot) {
            return c.view();
        }
        ClusterView view = convert(snapshot);
        last = new Converted(snapshot, view);
        return view;
    }

    static ClusterView convert(ClusterSnapshot snapshot) {
        int primary = snapshot.primaryId().orElse(-1);
        List<NodeView> nodes = new ArrayList<>(snapshot.nodeCount());
        for (NodeSnapshot n : snapshot.nodes()) {
            long bytes = n.delayByTime() ? 0 : n.replicationDelay();
            long millis = n.delayByTime() ? n.replicationDelay() / 1000 : 0;
            nodes.add(new NodeView(n.id(), n.isUp(), n.id() == primary ? NodeRole.PRIMARY : NodeRole.STANDBY,
                    Math.max(0, n.weight()), bytes, millis));
        }
        return new ClusterView(nodes);
    }

    @Override
    public Optional<BackendNode> node(int id) {
        return backends.get().stream().filter(b -> b.id() == id).findFirst();
    }
}
