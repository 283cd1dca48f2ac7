package io.tidepool.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The whole cluster at one moment, as published by the cluster owner. Immutable; a change
 * produces a new snapshot.
 *
 * @param nodes          one entry per backend slot 0..num_backends-1, ordered by id (index == id); a gap in
 *                       the configured numbering is a node with status {@code UNUSED} and an empty hostname
 * @param primaryId      the node the proxy treats as primary (or main node outside streaming), if any
 * @param clusteringMode pgpool.conf {@code backend_clustering_mode}
 * @param takenAt        when this snapshot was made
 */
public record ClusterSnapshot(List<NodeSnapshot> nodes, OptionalInt primaryId, ClusteringMode clusteringMode,
                              Instant takenAt) {

    public ClusterSnapshot {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(primaryId, "primaryId");
        Objects.requireNonNull(clusteringMode, "clusteringMode");
        Objects.requireNonNull(takenAt, "takenAt");
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id() != i) {
                throw new IllegalArgumentException("node at position " + i + " has id " + nodes.get(i).id());
            }
        }
        if (primaryId.isPresent() && (primaryId.getAsInt() < 0 || primaryId.getAsInt() >= nodes.size())) {
            throw new IllegalArgumentException("primary id " + primaryId.getAsInt() + " is not a configured node");
        }
    }

    /** Number of backend slots (pgpool's {@code num_backends}): what pcp_node_count reports. */
    public int nodeCount() {
        return nodes.size();
    }

    public Optional<NodeSnapshot> node(int id) {
        return id >= 0 && id < nodes.size() ? Optional.of(nodes.get(id)) : Optional.empty();
    }

    public Optional<NodeSnapshot> primary() {
        return primaryId.isPresent() ? node(primaryId.getAsInt()) : Optional.empty();
    }
}
