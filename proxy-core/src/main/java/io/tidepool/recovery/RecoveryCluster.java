package io.tidepool.recovery;

import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.PgpoolConfig;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * What online recovery needs from the rest of Tidepool: the configuration, the proxy's view of the
 * nodes, attaching a node, the event journal, and (native replication only) holding client
 * sessions. The engine implements it on its cluster owner; the command line on the servers alone
 * ({@link StandaloneRecoveryCluster}).
 */
public interface RecoveryCluster {

    /** The configuration in force (after the latest reload: a new {@code backend_*N} block is a new node). */
    PgpoolConfig config();

    /** The node the proxy uses as primary (streaming replication) or main node (other modes). */
    OptionalInt primaryNodeId();

    /** The proxy's status of a configured node. */
    NodeStatus status(int nodeId);

    /** Puts the recovered node into service (failback); returns when done, at most {@code timeout} later. */
    void attach(int nodeId, Duration timeout) throws RecoveryException;

    /** Records an event in the journal (and the log). */
    void event(RecoveryEvent event);

    /**
     * Native replication's second stage: new client sessions wait, and this returns once every
     * session has ended (idle ones are ended after {@code idleLimit} when it is not zero, at once
     * when it is negative: client_idle_limit_in_recovery), or fails after {@code timeout}.
     * {@link #releaseSessions()} always follows, once the node is attached or the recovery failed.
     */
    default void holdSessionsAndAwaitIdle(Duration timeout, Duration idleLimit) throws RecoveryException {
        throw RecoveryException.refused("recovery in native replication mode needs the running proxy",
                "run it through pcp_recovery_node");
    }

    /** New client sessions are served again. */
    default void releaseSessions() {
    }
}
