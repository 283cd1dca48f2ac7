package io.tidepool.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * What is known about one backend node at one moment: the value the cluster owner publishes
 * and every reader (sessions, SHOW pool_nodes, PCP, the console) consumes. Immutable.
 *
 * <p>The fields are the columns of {@code SHOW pool_nodes} and of the PCP node-info packet
 * (spec 2.2.1 and 1.7.3); the comments say where the wire and the SQL view differ.
 *
 * @param id                   backend index ({@code backend_hostnameN}'s N)
 * @param hostname             as configured; may be a socket directory such as {@code /tmp}
 * @param port                 as configured
 * @param status               what the proxy believes: unused, waiting, up, down
 * @param quarantined          down because of a quarantine (the node may come back by itself)
 * @param actualStatus         the last live probe of the server, independent of {@code status}
 * @param weight               load-balance weight normalised over all nodes, 0..1 (PCP scales it by 2^31-1)
 * @param role                 the role the proxy assigns (primary/standby, or main/replica outside streaming)
 * @param actualRole           what the server itself says: {@code primary}, {@code standby},
 *                             {@code unknown}, or outside streaming replication {@code main}/{@code replica}
 * @param replicationDelay     bytes behind the primary, or microseconds when {@code delayByTime}
 * @param delayByTime          whether {@code replicationDelay} is a time (µs) rather than bytes
 * @param replicationState     {@code pg_stat_replication.state} on the primary (e.g. {@code streaming}); may be empty
 * @param syncState            {@code pg_stat_replication.sync_state} (e.g. {@code async}); may be empty
 * @param lastStatusChange     when {@code status} last changed
 * @param selectCount          SELECTs routed to this node since start
 * @param loadBalanceNode      whether this node is the current session's load-balance node
 *                             (false in cluster-wide snapshots)
 */
public record NodeSnapshot(
        int id,
        String hostname,
        int port,
        NodeStatus status,
        boolean quarantined,
        ActualStatus actualStatus,
        double weight,
        NodeRole role,
        String actualRole,
        long replicationDelay,
        boolean delayByTime,
        String replicationState,
        String syncState,
        Instant lastStatusChange,
        long selectCount,
        boolean loadBalanceNode) {

    /** Result of the last live probe of a backend (PCP node-info field 5). */
    public enum ActualStatus {
        UP("up"),
        DOWN("down"),
        /** Not probed, e.g. the health check is disabled for this node. */
        UNKNOWN("unknown");

        private final String text;

        ActualStatus(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public NodeSnapshot {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(actualStatus, "actualStatus");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(actualRole, "actualRole");
        Objects.requireNonNull(replicationState, "replicationState");
        Objects.requireNonNull(syncState, "syncState");
        Objects.requireNonNull(lastStatusChange, "lastStatusChange");
        if (id < 0) {
            throw new IllegalArgumentException("node id " + id + " is negative");
        }
        if (!(weight >= 0.0 && weight <= 1.0)) {
            throw new IllegalArgumentException("weight " + weight + " is outside 0..1");
        }
        if (replicationDelay < 0) {
            throw new IllegalArgumentException("replication delay " + replicationDelay + " is negative");
        }
    }

    /** The status word of pcp_node_info and SHOW pool_nodes: {@code quarantine} for a quarantined down node. */
    public String statusName() {
        return status == NodeStatus.DOWN && quarantined ? "quarantine" : status.text();
    }

    public boolean isUp() {
        return status == NodeStatus.UP || status == NodeStatus.WAITING;
    }

    /** This node with a new status; {@code lastStatusChange} moves only when the status really changes. */
    public NodeSnapshot withStatus(NodeStatus newStatus, Instant at) {
        if (newStatus == status && !quarantined) {
            return this;
        }
        return new NodeSnapshot(id, hostname, port, newStatus, false, actualStatus, weight, role, actualRole,
                replicationDelay, delayByTime, replicationState, syncState, at, selectCount, loadBalanceNode);
    }

    public NodeSnapshot withRole(NodeRole newRole) {
        return new NodeSnapshot(id, hostname, port, status, quarantined, actualStatus, weight, newRole, actualRole,
                replicationDelay, delayByTime, replicationState, syncState, lastStatusChange, selectCount,
                loadBalanceNode);
    }

    /** This node with the result of a live probe: {@code pg_status} and {@code pg_role}. */
    public NodeSnapshot withActual(ActualStatus newActualStatus, String newActualRole) {
        return new NodeSnapshot(id, hostname, port, status, quarantined, newActualStatus, weight, role, newActualRole,
                replicationDelay, delayByTime, replicationState, syncState, lastStatusChange, selectCount,
                loadBalanceNode);
    }

    public NodeSnapshot withReplication(long delay, boolean byTime, String state, String sync) {
        return new NodeSnapshot(id, hostname, port, status, quarantined, actualStatus, weight, role, actualRole,
                delay, byTime, state, sync, lastStatusChange, selectCount, loadBalanceNode);
    }
}
