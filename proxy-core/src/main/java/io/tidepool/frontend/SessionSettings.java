package io.tidepool.frontend;

import io.tidepool.backend.BackendNode;
import io.tidepool.protocol.ProtocolLimits;

import java.time.Duration;
import java.util.List;

/**
 * What a client session reads from the configuration. Immutable: a reload publishes a new
 * instance, which sessions pick up at their next read of {@link SessionServices#settings()}.
 *
 * @param backends              nodes in configuration order (raw mode: the first that is up serves)
 * @param limits                frame length limits
 * @param connectTimeout        {@code connect_timeout}: giving up on one backend node
 * @param authenticationTimeout {@code authentication_timeout}: the whole startup + authentication
 * @param logConnections        {@code log_connections}
 * @param logDisconnections     {@code log_disconnections}
 * @param logStatement          {@code log_statement}
 * @param logClientMessages     {@code log_client_messages}
 */
public record SessionSettings(
        List<BackendNode> backends,
        ProtocolLimits limits,
        Duration connectTimeout,
        Duration authenticationTimeout,
        boolean logConnections,
        boolean logDisconnections,
        boolean logStatement,
        boolean logClientMessages) {

    public SessionSettings {
        backends = List.copyOf(backends);
    }

    /** Defaults as in pgpool-II: 10 s connect timeout, 60 s authentication timeout, no logging. */
    public static SessionSettings defaults(List<BackendNode> backends) {
        return new SessionSettings(backends, ProtocolLimits.POSTGRESQL, Duration.ofSeconds(10), Duration.ofSeconds(60),
                false, false, false, false);
    }
}
