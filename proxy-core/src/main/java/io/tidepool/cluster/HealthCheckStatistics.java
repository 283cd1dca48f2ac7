package io.tidepool.cluster;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The health-check counters of one node since start, the figures of {@code SHOW pool_health_check_stats}
 * and {@code pcp_health_check_stats} (spec 2.2.6). Immutable.
 *
 * @param failCount         checks that ended with the node unreachable, counted only when failover is
 *                          allowed for the node (as pgpool-II counts them)
 * @param minDurationMillis {@code 2147483647} before the first check, 0 when the check is disabled
 */
public record HealthCheckStatistics(
        int nodeId,
        long totalCount,
        long successCount,
        long failCount,
        long skipCount,
        long retryCount,
        long maxRetryCount,
        long maxDurationMillis,
        long minDurationMillis,
        double averageDurationMillis,
        Optional<Instant> lastHealthCheck,
        Optional<Instant> lastSuccessfulHealthCheck,
        Optional<Instant> lastSkippedHealthCheck,
        Optional<Instant> lastFailedHealthCheck) {

    public HealthCheckStatistics {
        Objects.requireNonNull(lastHealthCheck, "lastHealthCheck");
        Objects.requireNonNull(lastSuccessfulHealthCheck, "lastSuccessfulHealthCheck");
        Objects.requireNonNull(lastSkippedHealthCheck, "lastSkippedHealthCheck");
        Objects.requireNonNull(lastFailedHealthCheck, "lastFailedHealthCheck");
    }

    /** A node never checked: pgpool-II reports min duration as INT_MAX when checks are on, 0 when off. */
    public static HealthCheckStatistics none(int nodeId, boolean enabled) {
        return new HealthCheckStatistics(nodeId, 0, 0, 0, 0, 0, 0, 0, enabled ? Integer.MAX_VALUE : 0, 0.0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** retry_count / (total_count − skip_count); 0 when nothing was checked (pgpool-II would print nan). */
    public double averageRetryCount() {
        long checked = totalCount - skipCount;
        return checked > 0 ? (double) retryCount / checked : 0.0;
    }
}
