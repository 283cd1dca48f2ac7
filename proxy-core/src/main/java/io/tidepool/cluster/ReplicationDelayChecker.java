package io.tidepool.cluster;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming replication check, every {@code sr_check_period} as {@code sr_check_user}:
 * <ul>
 *   <li>each attached node's role ({@code pg_role} of SHOW pool_nodes): {@code pg_is_in_recovery()};</li>
 *   <li>each standby's delay: in bytes, the primary's {@code pg_current_wal_lsn()} minus the standby's
 *       {@code pg_last_wal_replay_lsn()}; in time ({@code delay_threshold_by_time} set), the
 *       {@code replay_lag} of its {@code pg_stat_replication} row; the row also gives
 *       {@code replication_state} and {@code replication_sync_state}. Rows are matched by
 *       {@code backend_application_nameN}, or else by the application name the standby's own WAL
 *       receiver uses;</li>
 *   <li>{@code delay_threshold} crossings become events; {@code log_standby_delay} decides what is logged;</li>
 *   <li>a node that claims to be primary beside the real one is reported, and detached with
 *       {@code detach_false_primary};</li>
 *   <li>with {@code auto_failback}, a detached standby that streams from the primary again is attached,
 *       at most once per {@code auto_failback_interval};</li>
 *   <li>with no primary known, a node that is not in recovery becomes the primary.</li>
 * </ul>
 * The probes run on the blocking scheduler; findings are applied on the owner thread and dropped
 * when the primary changed meanwhile.
 */
final class ReplicationDelayChecker {

    private static final Logger log = LoggerFactory.getLogger(ReplicationDelayChecker.class);

    private final ClusterCoordinator cluster;
    private final ScheduledExecutorService scheduler;
    private final Map<Integer, Instant> lastAutoFailback = new HashMap<>();
    private final Map<Integer, Boolean> overThreshold = new HashMap<>();
    /** Nodes reported as false primaries and not detached; owner thread only. */
    private final Set<Integer> falsePrimaries = new HashSet<>();
    private final AtomicBoolean applyPending = new AtomicBoolean();
    private Future<?> loop;

    ReplicationDelayChecker(ClusterCoordinator cluster, ScheduledExecutorService scheduler) {
        this.cluster = cluster;
        this.scheduler = scheduler;
    }

    synchronized void start() {
        if (loop != null) {
            loop.cancel(false);
            loop = null;
        }
        Duration period = cluster.settings().srCheckPeriod();
        if (period.isZero() || cluster.isClosed()) {
            return;
        }
        loop = scheduler.scheduleWithFixedDelay(this::checkSafely, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (loop != null) {
            loop.cancel(true);
            loop = null;
        }
    }

    private void checkSafely() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            log.error("replication check failed unexpectedly", e);
        }
    }

    /** One round: probe on this (blocking) thread, then hand the findings to the owner thread. */
    void checkOnce() {
        ClusterSnapshot seen = cluster.snapshot();
        ClusterSettings settings = cluster.settings();
        NodeSql sql = cluster.sql();
        Duration timeout = settings.srCheckPeriod().isZero() ? Duration.ofSeconds(10)
                : settings.srCheckPeriod().plusSeconds(5);
        Map<Integer, CompletableFuture<Optional<NodeSql.NodeReport>>> futures = new HashMap<>();
        for (NodeSnapshot node : seen.nodes()) {
            boolean wanted = node.isUp() || (settings.autoFailback() && node.status() == NodeStatus.DOWN
                    && settings.backend(node.id()).isPresent());
            if (wanted) {
                futures.put(node.id(), CompletableFuture.supplyAsync(() -> {
                    try {
                        return Optional.of(sql.report(node, timeout));
                    } catch (SQLException e) {
                        return Optional.empty();
                    }
                }, scheduler));
            }
        }
        Map<Integer, Optional<NodeSql.NodeReport>> reports = new HashMap<>();
        long deadline = System.nanoTime() + timeout.plusSeconds(5).toNanos();
        futures.forEach((id, f) -> {
            try {
                reports.put(id, f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                reports.put(id, Optional.empty());
            }
        });
        // Never wait for the owner here: during a long failover it is busy, and this thread belongs
        // to the pool its probes need. One round's findings at most wait in its queue.
        if (applyPending.compareAndSet(false, true)) {
            cluster.submit(() -> {
                applyPending.set(false);
                apply(seen.primaryId(), reports);
            });
        }
    }

    /** Owner thread. */
    private void apply(OptionalInt primarySeen, Map<Integer, Optional<NodeSql.NodeReport>> reports) {
        ClusterSnapshot now = cluster.snapshot();
        if (!now.primaryId().equals(primarySeen)) {
            return; // a failover happened while we probed; the next round sees the new cluster
        }
        ClusterSettings settings = cluster.settings();
        if (!settings.mode().hasPrimary()) {
            return;
        }
        if (primarySeen.isEmpty()) {
            OptionalInt found = reports.entrySet().stream()
                    .filter(e -> now.nodes().get(e.getKey()).isUp())
                    .filter(e -> e.getValue().map(r -> !r.inRecovery()).orElse(false))
                    .mapToInt(Map.Entry::getKey).sorted().findFirst();
            if (found.isPresent()) {
                cluster.setPrimary(found);
            }
            return;
        }
        int primaryId = primarySeen.getAsInt();
        Optional<NodeSql.NodeReport> primaryReport = reports.getOrDefault(primaryId, Optional.empty());
        Map<Integer, Long> delays = new HashMap<>();
        cluster.announcePrimary(cluster.publish(nodes -> {
            for (NodeSnapshot n : List.copyOf(nodes)) {
                Optional<NodeSql.NodeReport> report = reports.getOrDefault(n.id(), Optional.empty());
                if (!n.isUp()) {
                    // Not used, often not probed: only what the primary still sees of it, else nothing
                    // (a stopped standby must not go on showing 'streaming' from before it stopped).
                    NodeSql.ReplicationRow row = rowOfUnusedNode(settings, n.id(), report, primaryReport).orElse(null);
                    nodes.set(n.id(), n.withReplication(0, settings.delayByTime(), row == null ? "" : row.state(),
                            row == null ? "" : row.syncState()));
                    continue;
                }
                if (report.isEmpty()) {
                    nodes.set(n.id(), n.withActual(n.actualStatus(), "unknown"));
                    continue;
                }
                NodeSql.NodeReport r = report.get();
                NodeSnapshot updated = n.withActual(n.actualStatus(), r.inRecovery() ? "standby" : "primary");
                if (n.id() == primaryId) {
                    updated = updated.withReplication(0, settings.delayByTime(), "", "");
                } else if (r.inRecovery() && primaryReport.isPresent()) {
                    NodeSql.ReplicationRow row = matchRow(settings, n.id(), r, primaryReport.get()).orElse(null);
                    long delay;
                    if (settings.delayByTime()) {
                        delay = row == null ? 0 : row.replayLagMicros().orElse(0);
                    } else {
                        long current = primaryReport.get().currentLsn().orElse(0);
                        delay = r.replayLsn().isPresent() ? Lsn.distance(current, r.replayLsn().getAsLong()) : 0;
                    }
                    delays.put(n.id(), delay);
                    updated = updated.withReplication(delay, settings.delayByTime(),
                            row == null ? "" : row.state(), row == null ? "" : row.syncState());
                }
                nodes.set(n.id(), updated);
            }
            return nodes;
        }, now.primaryId()));
        delays.forEach((id, delay) -> judgeDelay(settings, id, delay));
        falsePrimaries(settings, primaryId, primaryReport, reports);
        if (settings.autoFailback() && primaryReport.isPresent()) {
            autoFailback(settings, primaryId, reports);
        }
    }

    /**
     * The primary's pg_stat_replication row of a node that is not up: matched as for any standby
     * when the node was probed (auto_failback probes down nodes), else by its configured
     * {@code backend_application_nameN} alone; empty when neither finds one.
     */
    private static Optional<NodeSql.ReplicationRow> rowOfUnusedNode(ClusterSettings settings, int nodeId,
                                                                    Optional<NodeSql.NodeReport> own,
                                                                    Optional<NodeSql.NodeReport> primary) {
        if (primary.isEmpty()) {
            return Optional.empty();
        }
        if (own.isPresent()) {
            return matchRow(settings, nodeId, own.get(), primary.get());
        }
        String configured = configuredName(settings, nodeId);
        return configured.isEmpty() ? Optional.empty() : rowNamed(primary.get(), configured);
    }

    private static Optional<NodeSql.ReplicationRow> matchRow(ClusterSettings settings, int nodeId,
                                                             NodeSql.NodeReport standby, NodeSql.NodeReport primary) {
        String configured = configuredName(settings, nodeId);
        return rowNamed(primary, configured.isEmpty() ? standby.walReceiverAppName() : configured);
    }

    /** {@code backend_application_nameN}, "" when not set. */
    private static String configuredName(ClusterSettings settings, int nodeId) {
        return settings.backend(nodeId).map(b -> b.applicationName()).orElse("");
    }

    /** The primary's pg_stat_replication row whose application_name is {@code name}. */
    private static Optional<NodeSql.ReplicationRow> rowNamed(NodeSql.NodeReport primary, String name) {
        return primary.replication().stream().filter(row -> row.applicationName().equals(name)).findFirst();
    }

    private void judgeDelay(ClusterSettings settings, int nodeId, long delay) {
        long threshold = settings.delayByTime() ? settings.delayThresholdByTime().toNanos() / 1000
                : settings.delayThresholdBytes();
        String unit = settings.delayByTime() ? " µs" : " bytes";
        boolean over = threshold > 0 && delay > threshold;
        boolean wasOver = overThreshold.getOrDefault(nodeId, false);
        if (over != wasOver) {
            overThreshold.put(nodeId, over);
            cluster.emit(ClusterEvent.Kind.REPLICATION_DELAY, OptionalInt.of(nodeId), over
                    ? "node " + nodeId + " lags " + delay + unit + ", over the threshold of " + threshold + unit
                    + "; it receives no reads"
                    : "node " + nodeId + " is back under the delay threshold (" + delay + unit + ")", "");
        }
        if (settings.logStandbyDelay() == ClusterSettings.LogStandbyDelay.ALWAYS
                || (settings.logStandbyDelay() == ClusterSettings.LogStandbyDelay.IF_OVER_THRESHOLD && over)) {
            log.info("replication delay of node {}: {}{}", nodeId, delay, unit);
        }
    }

    private void falsePrimaries(ClusterSettings settings, int primaryId, Optional<NodeSql.NodeReport> primaryReport,
                                Map<Integer, Optional<NodeSql.NodeReport>> reports) {
        if (primaryReport.isEmpty() || primaryReport.get().inRecovery()) {
            return;
        }
        ClusterSnapshot now = cluster.snapshot();
        reports.forEach((id, report) -> {
            if (id == primaryId || !now.nodes().get(id).isUp() || report.isEmpty() || report.get().inRecovery()) {
                falsePrimaries.remove(id);
                return;
            }
            boolean detach = settings.detachFalsePrimary() && cluster.failoverAllowed(id);
            if (!falsePrimaries.add(id) && !detach) {
                return; // reported already; say it again only when it stops and starts again
            }
            cluster.emit(ClusterEvent.Kind.FALSE_PRIMARY, OptionalInt.of(id), "node " + id
                    + " is not in recovery although node " + primaryId + " is the primary"
                    + (detach ? "; detaching it (detach_false_primary)" : ""), "");
            if (detach) {
                cluster.failoverCoordinator().failover(List.of(id), "false primary (detach_false_primary)",
                        OptionalInt.empty());
            }
        });
    }

    private void autoFailback(ClusterSettings settings, int primaryId, Map<Integer, Optional<NodeSql.NodeReport>> reports) {
        ClusterSnapshot now = cluster.snapshot();
        NodeSnapshot primary = now.nodes().get(primaryId);
        Instant at = cluster.clock().instant();
        reports.forEach((id, report) -> {
            NodeSnapshot node = now.nodes().get(id);
            if (node.status() != NodeStatus.DOWN || report.isEmpty()) {
                return;
            }
            NodeSql.NodeReport r = report.get();
            boolean follows = r.inRecovery() && "streaming".equals(r.walReceiverStatus())
                    && r.senderPort() == primary.port();
            Instant last = lastAutoFailback.get(id);
            boolean due = last == null || !at.isBefore(last.plus(settings.autoFailbackInterval()));
            if (follows && due) {
                lastAutoFailback.put(id, at);
                cluster.failoverCoordinator().failback(id, "auto_failback: it streams from the primary node "
                        + primaryId);
            }
        });
    }
}
