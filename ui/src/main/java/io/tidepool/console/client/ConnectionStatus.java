package io.tidepool.console.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection state with what the operator needs to read it.
 *
 * @param detail       why it is in this state, in words (the last error for LOST), may be empty
 * @param failures     failed attempts since the last success
 * @param nextAttempt  when the next retry starts, for LOST
 */
public record ConnectionStatus(ConnectionState state, String detail, int failures, Optional<Instant> nextAttempt) {

    public ConnectionStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
    }

    public static ConnectionStatus of(ConnectionState state, String detail) {
        return new ConnectionStatus(state, detail, 0, Optional.empty());
    }
}
