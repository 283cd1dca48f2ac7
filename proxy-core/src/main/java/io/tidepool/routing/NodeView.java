package io.tidepool.routing;

import io.tidepool.cluster.NodeRole;

/**
 * What the router needs to know about one backend node. The cluster owner adapts its snapshots
 * to this record; pgpool-II's {@code waiting} status counts as usable ({@code usable = true}).
 *
 * @param id                     backend id ({@code backend_hostnameN}'s N)
 * @param usable                 the node is up (or waiting for its first connection) and attached
 * @param role                   {@link NodeRole#PRIMARY} or {@link NodeRole#STANDBY}
 * @param weight                 {@code backend_weightN} (0 takes the node out of load balancing)
 * @param replicationDelayBytes  WAL bytes behind the primary (0 for the primary or when unknown)
 * @param replicationDelayMillis replay lag in milliseconds (0 for the primary or when unknown)
 */
public record NodeView(int id, boolean usable, NodeRole role, double weight,
                       long replicationDelayBytes, long replicationDelayMillis) {

    public NodeView {
        if (id < 0) {
            throw new IllegalArgumentException("node id " + id + " is negative");
        }
        if (weight < 0 || Double.isNaN(weight)) {
            throw new IllegalArgumentException("node " + id + " weight " + weight + " is not a non-negative number");
        }
    }

    public boolean isPrimary() {
        return role == NodeRole.PRIMARY || role == NodeRole.MAIN;
    }

    public static NodeView primary(int id, double weight) {
        return new NodeView(id, true, NodeRole.PRIMARY, weight, 0, 0);
    }

    public static NodeView standby(int id, double weight) {
        return new NodeView(id, true, NodeRole.STANDBY, weight, 0, 0);
    }

    public NodeView withDelay(long bytes, long millis) {
        return new NodeView(id, usable, role, weight, bytes, millis);
    }

    public NodeView down() {
        return new NodeView(id, false, role, weight, replicationDelayBytes, replicationDelayMillis);
    }
}
