package io.tidepool.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting, in a test, for what another thread or process brings about (a health check's verdict,
 * a standby catching up, a node attached again): polls a condition until it holds, and fails the
 * test saying what it waited for when the condition does not hold within the timeout.
 */
public final class Await {
    private static final long POLL_MILLIS = 100;

    private Await() {
    }

    /** Polls {@code condition} until it holds; an {@link AssertionError} after {@code timeout}. */
    public static void until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        until(timeout, () -> "the condition", condition);
    }

    /** {@link #until(Duration, BooleanSupplier)}, the failure naming {@code what} was awaited. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        until(timeout, () -> what, condition);
    }

    /**
     * {@link #until(Duration, BooleanSupplier)}, the failure naming what was awaited; {@code what}
     * is asked only then, so it may gather what explains the failure (a log's tail).
     */
    public static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() / 1000.0 + " s: " + what.get());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
