package io.tidepool.admin.pcp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Health-check counters of one node (spec 1.7.4 and 2.2.6). The node's hostname, port,
 * status and role come from its {@link io.tidepool.cluster.NodeSnapshot}.
 *
 * @param minDurationMillis {@code 2147483647} before the first check, as pgpool-II reports it
 */
public record HealthCheckStats(
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

    public HealthCheckStats {
        Objects.requireNonNull(lastHealthCheck, "lastHealthCheck");
        Objects.requireNonNull(lastSuccessfulHealthCheck, "lastSuccessfulHealthCheck");
        Objects.requireNonNull(lastSkippedHealthCheck, "lastSkippedHealthCheck");
        Objects.requireNonNull(lastFailedHealthCheck, "lastFailedHealthCheck");
    }

    /** Counters of a node that has not been checked yet (or whose health check is disabled). */
    public static HealthCheckStats none(int nodeId) {
        return new HealthCheckStats(nodeId, 0, 0, 0, 0, 0, 0, 0, 0, 0.0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** retry_count / (total_count − skip_count); 0 when nothing was checked (pgpool-II would print nan). */
    public double averageRetryCount() {
        long checked = totalCount - skipCount;
        return checked > 0 ? (double) retryCount / checked : 0.0;
    }
}
