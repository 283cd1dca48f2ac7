package io.tidepool.server;

import io.tidepool.ops.Cancellation;
import io.tidepool.recovery.LoggingRecoveryListener;
import io.tidepool.recovery.RecoveryException;
import io.tidepool.admin.pcp.PcpService;
import io.tidepool.admin.pcp.PcpServiceException;
import io.tidepool.admin.pcp.PoolStatusRow;
import io.tidepool.admin.pcp.ProcessInfo;
import io.tidepool.admin.sql.PoolAdminRows;
import io.tidepool.cluster.ClusterCoordinator;
import io.tidepool.cluster.ClusterRequestException;
import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.HealthCheckStatistics;
import io.tidepool.config.PoolStatusReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * PCP backed by the running engine: reads come from the cluster snapshot, node commands go to the
 * {@link ClusterCoordinator}, stop and reload to the engine. As in pgpool-II, detach, attach and
 * promote are answered once the request is queued; their graceful forms ({@code -g}) wait for
 * client sessions to end first (bounded by {@code recovery_timeout}) and for the operation to finish.
 */
final class EnginePcpService implements PcpService {

    private final TidepoolEngine engine;

    EnginePcpService(TidepoolEngine engine) {
        this.engine = engine;
    }

    private ClusterCoordinator coordinator() {
        return engine.cluster();
    }

    @Override
    public ClusterSnapshot cluster() {
        return coordinator().snapshot();
    }

    @Override
    public HealthCheckStatistics healthCheckStats(int nodeId) {
        return coordinator().healthCheckStatistics(nodeId);
    }

    @Override
    public List<ProcessInfo> processes() {
        return engine.sessions().processes();
    }

    @Override
    public List<PoolStatusRow> poolStatus() {
        return PoolStatusReport.rows(engine.config(), PoolAdminRows.runtimeValues(coordinator().snapshot())).stream()
                .map(r -> new PoolStatusRow(r.item(), r.value(), r.description()))
                .toList();
    }

    @Override
    public void detachNode(int nodeId, boolean graceful) throws PcpServiceException {
        if (graceful) {
            // Check the request before waiting for sessions, as pgpool-II does.
            call(() -> {
                coordinator().checkDetach(nodeId);
                return CompletableFuture.completedFuture(null);
            });
            waitForSessions();
        }
        CompletableFuture<Void> done = call(() -> coordinator().detachNode(nodeId,
                graceful ? "pcp_detach_node -g" : "pcp_detach_node"));
        if (graceful) {
            awaitQuietly(done);
        }
    }

    @Override
    public void attachNode(int nodeId) throws PcpServiceException {
        call(() -> coordinator().attachNode(nodeId, "pcp_attach_node"));
    }

    @Override
    public void promoteNode(int nodeId, boolean switchover, boolean graceful) throws PcpServiceException {
        if (graceful) {
            waitForSessions();
        }
        CompletableFuture<Void> done = call(() -> coordinator().promoteNode(nodeId, switchover));
        if (graceful) {
            awaitQuietly(done);
        }
    }

    /** Online recovery (spec 3.2); replies when it has finished. Its steps and output go to the log and the journal. */
    @Override
    public void recoverNode(int nodeId) throws PcpServiceException {
        try {
            engine.recovery().recover(nodeId, new LoggingRecoveryListener(nodeId), Cancellation.none());
        } catch (RecoveryException e) {
            throw e.isAlreadyRunning()
                    ? PcpServiceException.fatal(e.getMessage(), e.detail())
                    : PcpServiceException.error(e.getMessage(), e.detail());
        }
    }

    @Override
    public void stop(ShutdownMode mode, boolean clusterWide) {
        engine.requestStop(mode);
    }

    @Override
    public void reloadConfig(boolean clusterWide) throws PcpServiceException {
        try {
            engine.requestReload();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PcpServiceException.error("reloading the configuration was interrupted", null);
        } catch (Exception e) {
            throw PcpServiceException.error("reloading the configuration failed", e.getMessage());
        }
    }

    @Override
    public void rotateLog(boolean clusterWide) {
        engine.rotateLog();
    }

    @Override
    public void invalidateQueryCache() throws PcpServiceException {
        throw PcpServiceException.error("query cache is not enabled", null);
    }

    private interface Request {
        CompletableFuture<Void> run() throws ClusterRequestException;
    }

    private static CompletableFuture<Void> call(Request request) throws PcpServiceException {
        try {
            return request.run();
        } catch (ClusterRequestException e) {
            throw translate(e);
        }
    }

    private void waitForSessions() throws PcpServiceException {
        Duration timeout = coordinator().settings().recoveryTimeout();
        try {
            // pgpool-II replies CommandComplete even when the wait timed out.
            engine.awaitSessionsEnded(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PcpServiceException.error("interrupted while waiting for client sessions to end", null);
        }
    }

    private void awaitQuietly(CompletableFuture<Void> done) {
        Duration limit = coordinator().settings().recoveryTimeout().plus(coordinator().settings().commandTimeout());
        try {
            done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The outcome is in the event journal; PCP has no way to report it after the fact.
        }
    }

    private static PcpServiceException translate(ClusterRequestException e) {
        return e.isFatal() ? PcpServiceException.fatal(e.getMessage(), e.detail().orElse(null))
                : PcpServiceException.error(e.getMessage(), e.detail().orElse(null));
    }
}
