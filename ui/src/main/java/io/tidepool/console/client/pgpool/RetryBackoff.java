package io.tidepool.console.client.pgpool;

import java.time.Duration;
import java.util.Objects;

/** Exponential delays between reconnection attempts: initial, 2 x initial, ..., capped at max. */
public record RetryBackoff(Duration initial, Duration max) {

    public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(5));

    public RetryBackoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("retry backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** Delay before the attempt that follows {@code failures} consecutive failures (1 or more). */
    public Duration delayAfter(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 20));
        Duration d = initial.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }
}
