package io.tidepool.cluster;

/** How a session saw a backend fail, for {@link ClusterCoordinator#reportBackendFailure}. */
public enum BackendFailure {
    /** Reading from or writing to the backend failed (pgpool.conf {@code failover_on_backend_error}). */
    CONNECTION_ERROR,
    /** The backend said it is shutting down: SQLSTATE 57P01 or 57P02 ({@code failover_on_backend_shutdown}). */
    SHUTDOWN
}
