package io.tidepool.console.client;

import io.tidepool.cluster.NodeRole;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One backend node as the middleware sees it: the fourteen columns of {@code SHOW pool_nodes}
 * (spec 2.2.1), typed. Immutable; a new snapshot brings new instances.
 *
 * @param pgStatus           live check of the server, {@link LiveStatus#UNKNOWN} when not checked
 * @param pgRole             live role from {@code pg_is_in_recovery()}, empty when unknown
 * @param lbWeight           normalised load-balance weight, 0..1
 * @param selectCount        SELECTs the middleware sent to this node since it started
 * @param loadBalanceNode    whether this node is the load-balance node of the session that asked
 * @param lastStatusChange   as the peer printed it ({@code YYYY-MM-DD HH:MM:SS}, its local time)
 */
public record PoolNode(
        int nodeId,
        String hostname,
        int port,
        PoolNodeStatus status,
        LiveStatus pgStatus,
        double lbWeight,
        NodeRole role,
        Optional<NodeRole> pgRole,
        long selectCount,
        boolean loadBalanceNode,
        ReplicationDelay replicationDelay,
        String replicationState,
        String replicationSyncState,
        String lastStatusChange) {

    public PoolNode {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(pgStatus, "pgStatus");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(pgRole, "pgRole");
        Objects.requireNonNull(replicationDelay, "replicationDelay");
        Objects.requireNonNull(replicationState, "replicationState");
        Objects.requireNonNull(replicationSyncState, "replicationSyncState");
        Objects.requireNonNull(lastStatusChange, "lastStatusChange");
    }

    /** {@code host:port}, the way operators name a node. */
    public String address() {
        return hostname + ":" + port;
    }

    public boolean isPrimary() {
        return role == NodeRole.PRIMARY || role == NodeRole.MAIN;
    }

    /**
     * Where the recorded state and the live state disagree, in words; empty when they agree or
     * the live state is unknown. A DBA must see these at a glance: they are what precedes a
     * failover nobody asked for, or follows one that only half happened.
     */
    public List<String> disagreements() {
        List<String> found = new ArrayList<>();
        if (status.isServing() && pgStatus == LiveStatus.DOWN) {
            found.add("recorded " + status.text() + " but the server does not answer");
        } else if (status == PoolNodeStatus.DOWN && pgStatus == LiveStatus.UP) {
            found.add("recorded down but the server answers");
        }
        pgRole.filter(live -> live != role).ifPresent(live ->
                found.add("recorded " + role.text() + " but the server is " + live.text()));
        return List.copyOf(found);
    }

    /** Parses a role word as SHOW pool_nodes prints it. */
    public static NodeRole parseRole(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (NodeRole r : NodeRole.values()) {
            if (r.text().equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown node role '" + text + "'");
    }

    /** Parses a live role word; {@code unknown} and anything unrecognised give empty. */
    public static Optional<NodeRole> parseLiveRole(String text) {
        try {
            return Optional.of(parseRole(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
