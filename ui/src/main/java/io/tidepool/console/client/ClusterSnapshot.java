package io.tidepool.console.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The nodes of a cluster at one moment, in node-id order. Immutable. */
public record ClusterSnapshot(Instant takenAt, List<PoolNode> nodes) {

    public ClusterSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        nodes = List.copyOf(nodes);
    }

    public Optional<PoolNode> node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst();
    }

    /** The node recorded as primary (or main), if there is one. */
    public Optional<PoolNode> primary() {
        return nodes.stream().filter(PoolNode::isPrimary).findFirst();
    }
}
