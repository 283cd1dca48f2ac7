package io.tidepool.frontend;

import io.tidepool.backend.BackendConnector;
import io.tidepool.backend.CancelForwarder;
import io.tidepool.backend.CancelRegistry;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every session of one server shares: the current settings, the backend connector, the
 * cancel-key registry, and the set of live sessions (for stop modes). Thread-safe; sessions
 * themselves share nothing else.
 */
public final class SessionServices {
    private volatile SessionSettings settings;
    private final BackendConnector connector;
    private final CancelRegistry cancelRegistry = new CancelRegistry();
    private final CancelForwarder cancelForwarder;
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;
    private volatile boolean refusing;
    private volatile io.tidepool.protocol.PgException refusal;

    public SessionServices(SessionSettings settings, BackendConnector connector) {
        this.settings = settings;
        this.connector = connector;
        this.cancelForwarder = new CancelForwarder(connector);
    }

    private volatile java.util.Optional<io.tidepool.auth.AuthenticationServices> authentication = java.util.Optional.empty();

    /** Client authentication and TLS (pool_hba.conf, pool_passwd, ssl_*); empty: relay, answer 'N'. */
    public java.util.Optional<io.tidepool.auth.AuthenticationServices> authentication() {
        return authentication;
    }

    /** Installs the authentication services; sessions that start afterwards use them. */
    public void useAuthentication(io.tidepool.auth.AuthenticationServices services) {
        this.authentication = java.util.Optional.of(services);
    }

    public SessionSettings settings() {
        return settings;
    }

    /** Publishes new settings; sessions see them at their next look. */
    public void updateSettings(SessionSettings newSettings) {
        this.settings = newSettings;
    }

    public BackendConnector connector() {
        return connector;
    }

    public CancelRegistry cancelRegistry() {
        return cancelRegistry;
    }

    public CancelForwarder cancelForwarder() {
        return cancelForwarder;
    }

    /**
     * From now on, sessions that start are ended at once: with {@code error} when given (FAST
     * stop: 57P01), silently when {@code null} (IMMEDIATE stop).
     */
    public void refuseNewSessions(io.tidepool.protocol.PgException error) {
        refusal = error;
        refusing = true;
    }

    /** Whether new sessions are refused; {@link #refusal()} gives the error to send, if any. */
    boolean refusing() {
        return refusing;
    }

    java.util.Optional<io.tidepool.protocol.PgException> refusal() {
        return java.util.Optional.ofNullable(refusal);
    }

    void sessionStarted(ClientSession session) {
        sessions.add(session);
    }

    void sessionEnded(ClientSession session) {
        sessions.remove(session);
        if (draining && sessions.isEmpty()) {
            drained.complete(null);
        }
    }

    /** A snapshot of the live sessions. */
    public List<ClientSession> sessions() {
        return List.copyOf(sessions);
    }

    /** Completes once no session is left; from then on, every session that ends is counted. */
    public CompletableFuture<Void> whenDrained() {
        draining = true;
        if (sessions.isEmpty()) {
            drained.complete(null);
        }
        return drained;
    }
}
