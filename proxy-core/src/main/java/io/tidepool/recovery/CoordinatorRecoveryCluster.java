package io.tidepool.recovery;

import io.tidepool.cluster.ClusterCoordinator;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.ClusterRequestException;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.PgpoolConfig;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Recovery inside the running engine: node status and primary from the cluster owner's snapshot,
 * attaching through {@link ClusterCoordinator#attachNode} (failback, failback_command), events into
 * its journal.
 *
 * <p>A node configured after start (a new {@code backend_*N} block and a reload) that the cluster
 * owner does not know yet counts as down, so it can be recovered.
 */
public final class CoordinatorRecoveryCluster implements RecoveryCluster {

    /** Waits until every client session has ended (new ones held meanwhile); true when they did in time. */
    @FunctionalInterface
    public interface SessionDrain {
        boolean awaitSessionsEnded(Duration timeout) throws InterruptedException;
    }

    private final ClusterCoordinator coordinator;
    private final Supplier<PgpoolConfig> config;
    private final SessionDrain sessions;

    public CoordinatorRecoveryCluster(ClusterCoordinator coordinator, Supplier<PgpoolConfig> config, SessionDrain sessions) {
        this.coordinator = coordinator;
        this.config = config;
        this.sessions = sessions;
    }

    @Override
    public PgpoolConfig config() {
        return config.get();
    }

    @Override
    public OptionalInt primaryNodeId() {
        return coordinator.snapshot().primaryId();
    }

    @Override
    public NodeStatus status(int nodeId) {
        Optional<NodeSnapshot> node = coordinator.snapshot().node(nodeId);
        if (node.isPresent() && node.get().status() != NodeStatus.UNUSED) {
            return node.get().status();
        }
        boolean configured = config().backends().stream().anyMatch(b -> b.id() == nodeId);
        return configured ? NodeStatus.DOWN : NodeStatus.UNUSED;
    }

    @Override
    public void attach(int nodeId, Duration timeout) throws RecoveryException {
        try {
            coordinator.attachNode(nodeId, "online recovery").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ClusterRequestException e) {
            throw RecoveryException.refused(e.getMessage(), e.detail().orElse(""));
        } catch (ExecutionException e) {
            throw RecoveryException.refused("attaching node " + nodeId + " failed: " + e.getCause().getMessage(), "");
        } catch (TimeoutException e) {
            throw RecoveryException.refused("attaching node " + nodeId + " did not finish within " + timeout.toSeconds() + " s",
                    "see the event journal for failback_command");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RecoveryException.refused("interrupted while attaching node " + nodeId, "");
        }
    }

    /**
     * Into the cluster owner's journal as {@code NOTICE} events: the journal has no recovery kinds
     * yet (listeners are not told; the journal, SHOW and the admin API read it).
     */
    @Override
    public void event(RecoveryEvent event) {
        coordinator.journal().record(ClusterEvent.Kind.NOTICE, OptionalInt.of(event.nodeId()),
                event.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + event.message(),
                event.detail());
    }

    @Override
    public void holdSessionsAndAwaitIdle(Duration timeout, Duration idleLimit) throws RecoveryException {
        try {
            if (!sessions.awaitSessionsEnded(timeout)) {
                throw RecoveryException.refused("node recovery failed, waiting connection closed in the other pgpools timeout",
                        "client sessions were still open after recovery_timeout (" + timeout.toSeconds() + " s)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RecoveryException.refused("interrupted while waiting for client sessions to end", "");
        }
    }
}
