package io.tidepool.config;

import java.time.Duration;

/**
 * The health check settings of one backend node: its {@code health_check_*N} values where set,
 * else the plain {@code health_check_*} ones.
 *
 * @param period         interval between checks; zero means no health check for this node
 * @param timeout        zero means no timeout
 * @param database       empty means: try {@code postgres}, then {@code template1}
 * @param connectTimeout zero means no timeout
 */
public record HealthCheckSettings(
        int nodeId,
        Duration period,
        Duration timeout,
        String user,
        String password,
        String database,
        int maxRetries,
        Duration retryDelay,
        Duration connectTimeout) {

    public boolean enabled() {
        return !period.isZero();
    }
}
