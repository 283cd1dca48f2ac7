package io.tidepool.cluster;

import java.util.Optional;

/** How a session saw a backend fail, for {@link ClusterCoordinator#reportBackendFailure}. */
public enum BackendFailure {
    /** Reading from or writing to the backend failed (pgpool.conf {@code failover_on_backend_error}). */
    CONNECTION_ERROR,
    /** The backend said it is shutting down: SQLSTATE 57P01 or 57P02 ({@code failover_on_backend_shutdown}). */
    SHUTDOWN;

    /**
     * What a backend's last words (a FATAL or PANIC ErrorResponse, after which it closes) say about
     * its node: SHUTDOWN for {@code admin_shutdown} (57P01, fast or immediate stop, also
     * {@code pg_terminate_backend}) and {@code crash_shutdown} (57P02); empty for every other code,
     * since a FATAL such as an idle-session timeout or a refused login ends one session and says
     * nothing about the node's health.
     */
    public static Optional<BackendFailure> fromLastWords(String sqlState) {
        return "57P01".equals(sqlState) || "57P02".equals(sqlState) ? Optional.of(SHUTDOWN) : Optional.empty();
    }
}
