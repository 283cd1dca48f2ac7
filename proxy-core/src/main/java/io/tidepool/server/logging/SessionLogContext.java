package io.tidepool.server.logging;

/**
 * The SLF4J MDC keys that {@code log_line_prefix} reads for session escapes ({@code %u %d %a
 * %h %r %c}). Sessions run on shared event-loop threads, so code that logs on behalf of a
 * session puts these keys into the MDC around the call (try/finally, or
 * {@code MDC.putCloseable}) and removes them afterwards; a line without them gets empty fields.
 */
public final class SessionLogContext {
    /** {@code %u}: the user name the client logged in with. */
    public static final String USER = "tidepool.user";
    /** {@code %d}: the database name. */
    public static final String DATABASE = "tidepool.database";
    /** {@code %a}: the client's application_name; without it, the thread name stands in (pgpool prints its process role). */
    public static final String APPLICATION_NAME = "tidepool.application_name";
    /** {@code %h}: the client's host address. */
    public static final String REMOTE_HOST = "tidepool.remote_host";
    /** {@code %r}: host and port of the client ({@code 10.0.0.5(53122)}). */
    public static final String REMOTE_HOST_PORT = "tidepool.remote_host_port";
    /** {@code %c}: Tidepool's session id. */
    public static final String SESSION_ID = "tidepool.session_id";

    private SessionLogContext() {
    }
}
