package io.tidepool.session;

import java.time.Instant;
import java.util.Map;

/**
 * One served session as SHOW pool_processes / pool_pools (and pcp_proc_info) report it. Immutable
 * snapshot, made on demand from any thread.
 *
 * @param id              the session's number, shown where pgpool-II shows a child's pid
 * @param started         when the client connected
 * @param clientHost      client address ("[local]" for a Unix socket)
 * @param clientPort      client port ("" for a Unix socket)
 * @param database        from the startup packet
 * @param user            from the startup packet
 * @param status          {@code Idle}, {@code Idle in transaction}, {@code Execute command}
 * @param backendPids     PostgreSQL backend pid per node id the session is connected to
 * @param loadBalanceNode the session's load-balance node, -1 before it has one
 * @param lastStatement   the last statement sent, "" before the first
 */
public record SessionInfo(long id, Instant started, String clientHost, String clientPort, String database, String user,
                          String status, Map<Integer, Integer> backendPids, int loadBalanceNode, String lastStatement) {
    public SessionInfo {
        backendPids = Map.copyOf(backendPids);
    }
}
