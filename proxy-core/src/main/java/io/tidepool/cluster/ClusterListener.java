package io.tidepool.cluster;

/**
 * Receives every cluster event together with the snapshot published with it.
 *
 * <p>Called on the cluster's own thread, in event order. An implementation must return quickly
 * and never block: a session hands the news to its event loop and decides there, at its next
 * statement boundary (DESIGN.md "Cluster state changes while sessions run").
 */
@FunctionalInterface
public interface ClusterListener {

    void onEvent(ClusterEvent event, ClusterSnapshot snapshot);
}
