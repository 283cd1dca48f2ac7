package io.tidepool.admin.pcp;

import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.HealthCheckStatistics;
import io.tidepool.server.ShutdownMode;
import java.util.List;
import java.util.Optional;

/**
 * What the PCP server asks of the rest of Tidepool. The PCP server owns the wire protocol,
 * authentication and validation of request syntax; everything that reads or changes the
 * cluster goes through this interface.
 *
 * <p>Methods are called on a blocking executor, never on an event loop, one request at a time
 * per PCP connection (several connections may call concurrently). A method may block for as
 * long as the operation takes (a graceful detach waits for sessions to end). Refusals and
 * failures are a {@link PcpServiceException} whose message and detail reach the client.
 */
public interface PcpService {

    /** The current cluster: node count and node info are read from it. */
    ClusterSnapshot cluster();

    /**
     * Health-check counters of a node that exists in {@link #cluster()}.
     */
    HealthCheckStatistics healthCheckStats(int nodeId);

    /** Every serving slot, in slot order (pcp_proc_count, pcp_proc_info). */
    List<ProcessInfo> processes();

    /** The configuration report of pcp_pool_status (same rows as SHOW pool_status). */
    List<PoolStatusRow> poolStatus();

    /**
     * Takes a node out of service (pcp_detach_node). Without {@code graceful} the request is
     * queued and the call returns; with it, the call returns after sessions ended (bounded by
     * {@code recovery_timeout}) and the failover ran.
     */
    void detachNode(int nodeId, boolean graceful) throws PcpServiceException;

    /** Puts a node back into service (pcp_attach_node, failback). */
    void attachNode(int nodeId) throws PcpServiceException;

    /**
     * Makes a node the primary (pcp_promote_node). With {@code switchover} the current
     * primary is detached and the node promoted by the failover; otherwise only the proxy's
     * view changes. {@code graceful} waits for sessions to end first.
     */
    void promoteNode(int nodeId, boolean switchover, boolean graceful) throws PcpServiceException;

    /** Online recovery of a node (pcp_recovery_node); replies when the recovery has finished. */
    default void recoverNode(int nodeId) throws PcpServiceException {
        throw PcpServiceException.error("recovery of node " + nodeId + " failed",
                "online recovery is not available yet in this version of Tidepool");
    }

    /**
     * Shuts the proxy down (pcp_stop_pgpool). Called after the reply was sent, on a thread of
     * its own (not a PCP worker), so it may close the PCP server too.
     *
     * @param clusterWide {@code -s c}: every proxy of the watchdog cluster
     */
    void stop(ShutdownMode mode, boolean clusterWide) throws PcpServiceException;

    /** Re-reads the configuration files (pcp_reload_config). */
    void reloadConfig(boolean clusterWide) throws PcpServiceException;

    /** Re-opens the log file (pcp_log_rotate). */
    void rotateLog(boolean clusterWide) throws PcpServiceException;

    /** Drops every query-cache entry (pcp_invalidate_query_cache). */
    void invalidateQueryCache() throws PcpServiceException;

    /**
     * The watchdog report (spec 1.7.8) as a JSON document, for all nodes ({@code -1}) or one.
     * Empty when there is no watchdog; the client then hears "watchdog is not enabled".
     */
    default Optional<String> watchdogInfoJson(int watchdogNodeId) throws PcpServiceException {
        return Optional.empty();
    }
}
