package io.tidepool.frontend;

import io.tidepool.backend.BackendConnector;
import io.tidepool.backend.BackendNode;
import io.tidepool.backend.CancelForwarder;
import io.tidepool.backend.CancelRegistry;
import io.tidepool.cluster.BackendFailure;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

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
    private final SessionAdmission admission;
    private final java.time.Duration clientIdleLimit;
    private final java.util.Optional<io.tidepool.session.StreamingServices> streaming;
    private volatile Supplier<List<BackendNode>> backendOrder;
    private volatile BackendFailureListener backendFailures = (node, failure, detail) -> { };

    /**
     * Hears of backend connections that could not be opened or were lost in mid-session
     * (pgpool.conf {@code failover_on_backend_error}), and of backends that ended a session
     * saying their server shuts down ({@code failover_on_backend_shutdown}).
     */
    @FunctionalInterface
    public interface BackendFailureListener {
        /** Called on a session's event loop; must not block. */
        void backendFailed(BackendNode node, BackendFailure failure, String detail);
    }

    /** Raw mode, no admission limit. */
    public SessionServices(SessionSettings settings, BackendConnector connector) {
        this(settings, connector, SessionAdmission.unlimited(), java.util.Optional.empty(), java.time.Duration.ZERO);
    }

    /**
     * @param admission  num_init_children and its queue
     * @param streaming  present in streaming- and logical-replication mode: sessions route per
     *                   statement over several nodes; empty in raw mode
     */
    public SessionServices(SessionSettings settings, BackendConnector connector, SessionAdmission admission,
                           java.util.Optional<io.tidepool.session.StreamingServices> streaming,
                           java.time.Duration clientIdleLimit) {
        this.clientIdleLimit = clientIdleLimit;
        this.settings = settings;
        this.connector = connector;
        this.cancelForwarder = new CancelForwarder(connector);
        this.admission = admission;
        this.streaming = streaming;
    }

    /** {@code client_idle_limit}: a client silent this long is disconnected; zero: never. */
    public java.time.Duration clientIdleLimit() {
        return clientIdleLimit;
    }

    public SessionAdmission admission() {
        return admission;
    }

    public java.util.Optional<io.tidepool.session.StreamingServices> streaming() {
        return streaming;
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

    /**
     * The nodes a new session tries, in order: what the cluster owner says when one is attached
     * ({@link #useBackendOrder}), else configuration order.
     */
    public List<BackendNode> candidateBackends() {
        Supplier<List<BackendNode>> order = backendOrder;
        return order == null ? settings.backends() : order.get();
    }

    /** Lets the cluster owner decide which nodes new sessions try; read lock-free at each session start. */
    public void useBackendOrder(Supplier<List<BackendNode>> order) {
        this.backendOrder = order;
    }

    public void onBackendFailure(BackendFailureListener listener) {
        this.backendFailures = listener;
    }

    void backendConnectionLost(BackendNode node, String detail) {
        backendFailed(node, BackendFailure.CONNECTION_ERROR, detail);
    }

    void backendFailed(BackendNode node, BackendFailure failure, String detail) {
        backendFailures.backendFailed(node, failure, detail);
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
