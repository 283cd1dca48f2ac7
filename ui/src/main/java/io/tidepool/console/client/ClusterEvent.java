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
        ROLE_CHANGED("role changed"),
        HEALTH_CHECK("health check"),
        STATE_DISAGREES("state disagrees"),
        NODE_ADDED("node added"),
        FAILOVER_OUTPUT("failover output"),
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
