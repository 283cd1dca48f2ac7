package io.tidepool.console.client;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Something that happened to a cluster, for the events timeline.
 *
 * @param nodeId  the node it concerns, empty for cluster-wide events
 * @param message one line, lower-case start, what happened
 * @param detail  why, or the output of the command that ran; may be empty
 */
public record ClusterEvent(Instant at, Kind kind, OptionalInt nodeId, String message, String detail) {

    /** Kinds of events. */
    public enum Kind {
        NODE_DOWN("node down"),
        NODE_UP("node up"),
        NODE_ATTACHED("attached"),
        ROLE_CHANGED("role changed"),
        PROMOTED("promoted"),
        FOLLOWED_PRIMARY("follows primary"),
        HEALTH_CHECK("health check"),
        REPLICATION_DELAY("replication delay"),
        STATE_DISAGREES("state disagrees"),
        NODE_ADDED("node added"),
        /** Output of failover_command, failback_command or follow_primary_command. */
        FAILOVER_OUTPUT("command output"),
        /** The cluster refused a request (backend_flag, a node that is not alive, ...). */
        REFUSED("refused"),
        NOTICE("notice"),
        /** An online recovery started, ran a step, or finished. */
        RECOVERY("recovery"),
        /** An online recovery was refused or failed; the node stays detached. */
        RECOVERY_FAILED("recovery failed"),
        ACTION("action"),
        ACTION_FAILED("action failed"),
        CONNECTION("connection");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public ClusterEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detail, "detail");
    }

    public static ClusterEvent ofNode(Instant at, Kind kind, int nodeId, String message, String detail) {
        return new ClusterEvent(at, kind, OptionalInt.of(nodeId), message, detail);
    }

    public static ClusterEvent ofCluster(Instant at, Kind kind, String message, String detail) {
        return new ClusterEvent(at, kind, OptionalInt.empty(), message, detail);
    }
}
