package io.tidepool.cluster;

import io.tidepool.config.HealthCheckSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic health check of every configured node (spec 2.2.6; pgpool.conf {@code health_check_*},
 * per node with a numeric suffix): a check is a new connection as {@code health_check_user} to
 * {@code health_check_database} (empty: {@code postgres}, then {@code template1}), retried
 * {@code health_check_max_retries} times {@code health_check_retry_delay} apart. Only when every
 * try failed is the node reported unreachable, so a brief outage inside the retry window causes
 * no failover.
 *
 * <p>Each node has its own loop on the blocking scheduler, so a node that hangs until its
 * timeout delays nobody else's check. Nodes that are down or unused are skipped (and counted as
 * skipped), as pgpool-II does; bringing them back is {@code pcp_attach_node}'s or
 * {@code auto_failback}'s job.
 */
final class HealthChecker {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    /** What the checker tells the cluster owner. Called on a checker thread; must not block. */
    interface Outcome {
        void reachable(int nodeId);

        /** Every try failed; {@code reason} says how the last one failed. */
        void unreachable(int nodeId, String reason);

        /** One try failed and a retry follows. */
        void tryFailed(int nodeId, int attempt, int maxRetries, String reason);
    }

    private final ScheduledExecutorService scheduler;
    private final Supplier<ClusterSettings> settings;
    private final Supplier<ClusterSnapshot> snapshot;
    private final Supplier<BackendCredentials> credentials;
    private final Outcome outcome;
    private final Clock clock;
    private final ConcurrentHashMap<Integer, Counters> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Future<?>> loops = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    HealthChecker(ScheduledExecutorService scheduler, Supplier<ClusterSettings> settings,
                  Supplier<ClusterSnapshot> snapshot, Supplier<BackendCredentials> credentials, Outcome outcome,
                  Clock clock) {
        this.scheduler = scheduler;
        this.settings = settings;
        this.snapshot = snapshot;
        this.credentials = credentials;
        this.outcome = outcome;
        this.clock = clock;
    }

    /** (Re)starts one loop per configured node with its current period; a period of 0 means no loop. */
    synchronized void start() {
        loops.values().forEach(f -> f.cancel(false));
        loops.clear();
        if (stopped) {
            return;
        }
        ClusterSettings current = settings.get();
        for (int id = 0; id < current.slotCount(); id++) {
            HealthCheckSettings check = current.healthCheck(id);
            counters.computeIfAbsent(id, Counters::new);
            if (current.backend(id).isPresent() && check.enabled()) {
                int nodeId = id;
                long periodMillis = check.period().toMillis();
                loops.put(id, scheduler.scheduleWithFixedDelay(() -> checkSafely(nodeId), periodMillis, periodMillis,
                        TimeUnit.MILLISECONDS));
            }
        }
    }

    synchronized void stop() {
        stopped = true;
        loops.values().forEach(f -> f.cancel(true));
        loops.clear();
    }

    HealthCheckStatistics statistics(int nodeId) {
        Counters c = counters.get(nodeId);
        boolean enabled = nodeId < settings.get().slotCount() && settings.get().healthCheck(nodeId).enabled();
        return c == null ? HealthCheckStatistics.none(nodeId, enabled) : c.snapshot(enabled);
    }

    private void checkSafely(int nodeId) {
        try {
            check(nodeId);
        } catch (RuntimeException e) {
            log.error("health check of node {} failed unexpectedly", nodeId, e);
        }
    }

    /** One scheduled check of one node, with its retries. Runs on a checker thread. */
    void check(int nodeId) {
        if (stopped) {
            return;
        }
        Counters c = counters.computeIfAbsent(nodeId, Counters::new);
        Optional<NodeSnapshot> node = snapshot.get().node(nodeId);
        Instant startedAt = clock.instant();
        if (node.isEmpty() || !node.get().isUp()) {
            c.skipped(startedAt);
            return;
        }
        ClusterSettings current = settings.get();
        HealthCheckSettings check = current.healthCheck(nodeId);
        boolean failoverAllowed = current.backend(nodeId).map(b -> b.flag().allowToFailover()).orElse(false);
        long start = System.nanoTime();
        int retries = 0;
        String failure;
        while (true) {
            failure = tryOnce(node.get(), check);
            if (failure == null || stopped || retries >= check.maxRetries()) {
                break;
            }
            retries++;
            c.retried();
            outcome.tryFailed(nodeId, retries, check.maxRetries(), failure);
            if (!sleep(check.retryDelay())) {
                return;
            }
            // The node may have been detached meanwhile (pcp_detach_node, a backend error).
            if (!snapshot.get().node(nodeId).map(NodeSnapshot::isUp).orElse(false)) {
                c.skipped(clock.instant());
                return;
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Instant endedAt = clock.instant();
        if (failure == null) {
            c.succeeded(startedAt, endedAt, retries, millis);
            outcome.reachable(nodeId);
        } else {
            c.failed(startedAt, endedAt, retries, millis, failoverAllowed);
            log.warn("health check of node {} failed after {} retries: {}", nodeId, retries, failure);
            outcome.unreachable(nodeId, failure);
        }
    }

    /**
     * One connection attempt to a node, outside the periodic loop and its statistics (a session's
     * shutdown report is confirmed this way). Runs on a blocking thread.
     *
     * @return empty when the node let the check in, else why it did not
     */
    Optional<String> probe(int nodeId) {
        Optional<NodeSnapshot> node = snapshot.get().node(nodeId);
        if (node.isEmpty()) {
            return Optional.of("node " + nodeId + " is not configured");
        }
        return Optional.ofNullable(tryOnce(node.get(), settings.get().healthCheck(nodeId)));
    }

    /** One connection attempt; null on success, else why it failed. */
    private String tryOnce(NodeSnapshot node, HealthCheckSettings check) {
        BackendCredentials.Login login = credentials.get().resolve(check.user(), check.password());
        Duration connectTimeout = shorter(check.connectTimeout(), check.timeout());
        String failure = null;
        for (String database : check.database().isEmpty() ? new String[] {"postgres", "template1"}
                : new String[] {check.database()}) {
            try (Connection ignored = NodeConnector.connect(
                    new NodeConnector.Target(node.hostname(), node.port(), database, login), connectTimeout,
                    check.timeout())) {
                return null;
            } catch (SQLException e) {
                failure = describe(e);
                // Only a missing database is worth the second try (pgpool-II's template1 fallback).
                if (!"3D000".equals(e.getSQLState())) {
                    return failure;
                }
            }
        }
        return failure;
    }

    static String describe(SQLException e) {
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        return String.valueOf(e.getMessage()).strip() + state;
    }

    private static Duration shorter(Duration a, Duration b) {
        if (a.isZero()) {
            return b;
        }
        if (b.isZero()) {
            return a;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Counters of one node; updated by its single check loop, read by anyone. */
    private static final class Counters {
        private final int nodeId;
        private long total;
        private long success;
        private long fail;
        private long skip;
        private long retry;
        private long maxRetry;
        private long maxDuration;
        private long minDuration = Integer.MAX_VALUE;
        private long durationSum;
        private Instant last;
        private Instant lastSuccess;
        private Instant lastSkip;
        private Instant lastFail;

        Counters(int nodeId) {
            this.nodeId = nodeId;
        }

        synchronized void skipped(Instant at) {
            total++;
            skip++;
            last = at;
            lastSkip = at;
        }

        synchronized void succeeded(Instant started, Instant ended, int retries, long millis) {
            measured(started, retries, millis);
            success++;
            lastSuccess = ended;
        }

        synchronized void failed(Instant started, Instant ended, int retries, long millis, boolean counted) {
            measured(started, retries, millis);
            if (counted) {
                fail++;
            }
            lastFail = ended;
        }

        /** Retries are counted as they happen, so a check still retrying shows them. */
        synchronized void retried() {
            retry++;
        }

        private void measured(Instant started, int retries, long millis) {
            total++;
            maxRetry = Math.max(maxRetry, retries);
            maxDuration = Math.max(maxDuration, millis);
            minDuration = Math.min(minDuration, millis);
            durationSum += millis;
            last = started;
        }

        synchronized HealthCheckStatistics snapshot(boolean enabled) {
            long checked = total - skip;
            return new HealthCheckStatistics(nodeId, total, success, fail, skip, retry, maxRetry, maxDuration,
                    enabled || checked > 0 ? minDuration : 0, checked > 0 ? (double) durationSum / checked : 0.0,
                    Optional.ofNullable(last), Optional.ofNullable(lastSuccess), Optional.ofNullable(lastSkip),
                    Optional.ofNullable(lastFail));
        }
    }
}
