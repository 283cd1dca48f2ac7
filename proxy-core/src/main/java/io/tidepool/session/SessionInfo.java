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
 * @param status          {@code Execute command} while a request is unanswered, else {@code Idle} or
 *                        {@code Idle in transaction}
 * @param backendPids     PostgreSQL backend pid per node id the session is connected to
 * @param loadBalanceNode the session's load-balance node, -1 before it has one
 * @param lastStatement   the last statement sent, "" before the first
 */
public record SessionInfo(long id, Instant started, String clientHost, String clientPort, String database, String user,
                          String status, Map<Integer, Integer> backendPids, int loadBalanceNode, String lastStatement) {
    public SessionInfo {
        backendPids = Map.copyOf(backendPids);
    }

    /**
     * From a session's own facts: the client's address as pgpool-II shows it ("[local]" and no port
     * for a Unix socket) and its state as a pgpool-II child reports it: {@code Execute command} from
     * a request until its ReadyForQuery (so the session asking SHOW pool_processes sees itself so, as
     * in pgpool-II), otherwise the status of its last ReadyForQuery.
     */
    public static SessionInfo of(long id, Instant started, java.net.SocketAddress client, String database, String user,
                                 boolean executing, io.tidepool.protocol.backend.TransactionStatus status,
                                 Map<Integer, Integer> backendPids, int loadBalanceNode, String lastStatement) {
        String host = "[local]";
        String port = "";
        if (client instanceof java.net.InetSocketAddress inet) {
            host = inet.getAddress().getHostAddress();
            port = Integer.toString(inet.getPort());
        }
        String state = executing ? "Execute command"
                : status == io.tidepool.protocol.backend.TransactionStatus.IDLE ? "Idle" : "Idle in transaction";
        return new SessionInfo(id, started, host, port, database, user, state, backendPids, loadBalanceNode, lastStatement);
    }
}
