package io.tidepool.console.client;

/** Handle of a listener registration; closing it stops the deliveries. Idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
