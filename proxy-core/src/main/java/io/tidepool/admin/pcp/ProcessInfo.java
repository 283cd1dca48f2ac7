package io.tidepool.admin.pcp;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One serving slot as pcp_proc_count and pcp_proc_info report it (spec 1.7.5, 1.7.6, 2.2.3).
 * pgpool-II has a child process per slot; Tidepool reports its session slots the same way so
 * that tools and scripts keep working (see {@code session.ServingSlots}).
 *
 * @param pid                   the session's id (a child PID in pgpool-II); 0 for an idle slot
 * @param startTime             when the slot started
 * @param clientConnectionCount client sessions served so far
 * @param status                {@code Wait for connection}, {@code Execute command}, {@code Idle},
 *                              {@code Idle in transaction} or {@code Connecting}
 * @param connections           one entry per (pool slot, backend), pool slot first
 */
public record ProcessInfo(int pid, Instant startTime, long clientConnectionCount, String status,
                          List<PooledConnection> connections) {

    public ProcessInfo {
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(status, "status");
        connections = List.copyOf(connections);
    }

    /** No session is served in this slot (it may hold pooled connections). */
    public boolean idle() {
        return pid == 0;
    }

    /**
     * One pooled backend connection of a slot (a row of SHOW pool_pools).
     *
     * @param database           empty when the pool slot is unused
     * @param clientIdleSeconds  how long the client has been idle
     * @param protocolMajor      frontend protocol major version, 0 when unused
     * @param connected          a client currently uses this connection
     * @param statement          last statement sent to this backend, empty if none
     */
    public record PooledConnection(
            int poolId,
            int backendId,
            String database,
            String username,
            Optional<Instant> backendConnectionTime,
            Optional<Instant> clientConnectionTime,
            Optional<Instant> clientDisconnectionTime,
            long clientIdleSeconds,
            int protocolMajor,
            int protocolMinor,
            long poolCounter,
            int backendPid,
            boolean connected,
            boolean loadBalanceNode,
            String clientHost,
            String clientPort,
            String statement) {

        public PooledConnection {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(backendConnectionTime, "backendConnectionTime");
            Objects.requireNonNull(clientConnectionTime, "clientConnectionTime");
            Objects.requireNonNull(clientDisconnectionTime, "clientDisconnectionTime");
            Objects.requireNonNull(clientHost, "clientHost");
            Objects.requireNonNull(clientPort, "clientPort");
            Objects.requireNonNull(statement, "statement");
        }

        /** An unused pool slot towards a backend. */
        public static PooledConnection unused(int poolId, int backendId) {
            return new PooledConnection(poolId, backendId, "", "", Optional.empty(), Optional.empty(),
                    Optional.empty(), 0, 0, 0, 0, 0, false, false, "", "", "");
        }
    }
}
