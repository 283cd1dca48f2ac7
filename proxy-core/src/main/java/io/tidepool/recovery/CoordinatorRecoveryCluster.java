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

    /** The proxy's client sessions, as native replication's second stage needs them (spec 3.2). */
    public interface SessionDrain {
        /**
         * Makes new client sessions wait (until {@link #release()}), then waits until every served
         * session has ended, ending those idle for {@code idleLimit} when it is not zero (negative:
         * idle ones at once); true when they ended within {@code timeout}.
         */
        boolean holdAndAwaitEnded(Duration timeout, Duration idleLimit) throws InterruptedException;

        /** New client sessions are served again. */
        void release();
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
     * Into the cluster owner's journal, under the recovery kinds, and to its listeners (the
     * console's timeline tells a recovery's steps from failover events by kind).
     */
    @Override
    public void event(RecoveryEvent event) {
        coordinator.report(kind(event.kind()), OptionalInt.of(event.nodeId()), event.message(), event.detail());
    }

    static ClusterEvent.Kind kind(RecoveryEvent.Kind kind) {
        return switch (kind) {
            case RECOVERY_STARTED -> ClusterEvent.Kind.RECOVERY_STARTED;
            case RECOVERY_STEP -> ClusterEvent.Kind.RECOVERY_STEP;
            case RECOVERY_FAILED -> ClusterEvent.Kind.RECOVERY_FAILED;
            case RECOVERY_SUCCEEDED -> ClusterEvent.Kind.RECOVERY_FINISHED;
        };
    }

    @Override
    public void holdSessionsAndAwaitIdle(Duration timeout, Duration idleLimit) throws RecoveryException {
        try {
            if (!sessions.holdAndAwaitEnded(timeout, idleLimit)) {
                throw RecoveryException.refused("node recovery failed, waiting connection closed in the other pgpools timeout",
                        "client sessions were still open after recovery_timeout (" + timeout.toSeconds() + " s); "
                                + "client_idle_limit_in_recovery = -1 ends idle ones at once");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RecoveryException.refused("interrupted while waiting for client sessions to end", "");
        }
    }

    @Override
    public void releaseSessions() {
        sessions.release();
    }
}
