package io.tidepool.cluster;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One thing that happened to the cluster, as the journal keeps it and listeners receive it.
 * Immutable.
 *
 * @param sequence increasing number given by the journal (1 for the first event of a run)
 * @param at       when it happened
 * @param kind     what happened
 * @param nodeId   the node concerned, if one is
 * @param message  what happened and why, in words for an operator (lower-case start)
 * @param detail   more text, for example the output of a command; may be empty
 */
public record ClusterEvent(long sequence, Instant at, Kind kind, OptionalInt nodeId, String message, String detail) {

    /** What kind of change or observation an event reports. */
    public enum Kind {
        /** A node became usable (first contact, or status restored at start). */
        NODE_UP,
        /** A node was taken out of service (health check, backend error, admin detach, follow primary). */
        NODE_DOWN,
        /** A node was put back into service (pcp_attach_node, auto failback). */
        NODE_ATTACHED,
        /** A request to take a node out of service was refused (backend_flag, not alive, ...). */
        FAILOVER_REFUSED,
        /** A health check of a node failed (before retries are exhausted this is only a warning). */
        HEALTH_CHECK_FAILED,
        /** The primary the proxy uses changed (or was found, or was lost). */
        PRIMARY_CHANGED,
        /** A standby was promoted by Tidepool itself ({@code pg_promote()}). */
        NODE_PROMOTED,
        /** Promoting a standby failed. */
        PROMOTION_FAILED,
        /** A standby was re-pointed at the new primary by Tidepool ({@code primary_conninfo}). */
        NODE_FOLLOWED,
        /** A node claims to be primary but is not the one the proxy uses. */
        FALSE_PRIMARY,
        /** {@code failover_command} finished (its exit status and output are in the detail). */
        FAILOVER_COMMAND,
        /** {@code failback_command} finished. */
        FAILBACK_COMMAND,
        /** {@code follow_primary_command} finished for one node. */
        FOLLOW_PRIMARY_COMMAND,
        /** A standby's replication delay crossed the configured threshold (or came back under it). */
        REPLICATION_DELAY,
        /** An online recovery of a node began (the plan it runs is in the detail). */
        RECOVERY_STARTED,
        /** One step of an online recovery ended, well or not (its last output lines are in the detail). */
        RECOVERY_STEP,
        /** An online recovery was refused or failed; the node stays detached. */
        RECOVERY_FAILED,
        /** An online recovery finished: the node was rebuilt and attached. */
        RECOVERY_FINISHED,
        /** Something the operator should know that fits no other kind (status file problems, ...). */
        NOTICE
    }

    public ClusterEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detail, "detail");
    }

    /** One log-style line: {@code NODE_DOWN node 1: health check failed ...}. */
    public String summary() {
        return kind + (nodeId.isPresent() ? " node " + nodeId.getAsInt() : "") + ": " + message;
    }
}
