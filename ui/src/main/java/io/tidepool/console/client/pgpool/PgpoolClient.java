package io.tidepool.console.client.pgpool;

import io.tidepool.console.client.ActionAvailability;
import io.tidepool.console.client.ActionResult;
import io.tidepool.console.client.ClientListeners;
import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.ClusterClientException;
import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.ConnectionStatus;
import io.tidepool.console.client.Errors;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.NodeActionRules;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.SnapshotEvents;
import io.tidepool.console.client.Subscription;
import io.tidepool.console.client.embedded.EngineMapping;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A remote pgpool-II: nodes from {@code SHOW pool_nodes} over one pgJDBC connection, node
 * actions over PCP, events derived from successive snapshots (pgpool-II publishes none).
 *
 * <p>The same client serves a remote Tidepool ({@link Peer#TIDEPOOL}): its proxy answers
 * {@code SHOW pool_nodes} once its SQL admin commands are there; until then (PostgreSQL itself
 * answers "unrecognized configuration parameter"), or when the SQL port refuses the console,
 * the nodes come from PCP's node info alone. The status says so, and what PCP lacks
 * ({@code select_cnt}, the load-balance node) is shown as unknown, never as zero.
 *
 * <p>Threading: one single-threaded "sql" executor owns the JDBC connection, the previous
 * snapshot and the retry schedule, so none of them needs a lock; PCP requests run on their own
 * single thread so a slow graceful detach never stalls the live view. Status is published
 * through a volatile field and listener lists.
 *
 * <p>pgpool-II answers {@code SHOW pool_*} only in the simple query protocol (spec 2.1), hence
 * {@code preferQueryMode=simple}; with the extended protocol the statement would reach
 * PostgreSQL, which knows no parameter "pool_nodes".
 */
public final class PgpoolClient implements ClusterClient {

    /** Which middleware answers at the endpoint. */
    public enum Peer {
        PGPOOL("pgpool-II", ClusterClientKind.REMOTE_PGPOOL),
        TIDEPOOL("Tidepool", ClusterClientKind.REMOTE_TIDEPOOL);

        private final String label;
        private final ClusterClientKind kind;

        Peer(String label, ClusterClientKind kind) {
            this.label = label;
            this.kind = kind;
        }
    }

    private final PgpoolEndpoint endpoint;
    private final Peer peer;
    private final Optional<PcpNodeCommands> pcp;
    private final Duration timeout;
    private final RetryBackoff backoff;
    private final Clock clock;
    private final ScheduledExecutorService sql;
    private final ExecutorService pcpThread;
    private final ClientListeners listeners = new ClientListeners();
    private volatile boolean started;
    private volatile boolean closed;

    // Confined to the sql thread.
    private Connection connection;
    private Optional<ClusterSnapshot> previous = Optional.empty();
    private int failures;
    private boolean everConnected;
    /** Why SHOW pool_nodes is not used (a Tidepool whose proxy does not answer it); empty: SQL is used. */
    private Optional<String> pcpOnly = Optional.empty();

    public PgpoolClient(PgpoolEndpoint endpoint, Optional<PcpNodeCommands> pcp, Duration timeout, RetryBackoff backoff) {
        this(endpoint, Peer.PGPOOL, pcp, timeout, backoff, Clock.systemUTC());
    }

    public PgpoolClient(PgpoolEndpoint endpoint, Peer peer, Optional<PcpNodeCommands> pcp, Duration timeout,
                        RetryBackoff backoff) {
        this(endpoint, peer, pcp, timeout, backoff, Clock.systemUTC());
    }

    PgpoolClient(PgpoolEndpoint endpoint, Peer peer, Optional<PcpNodeCommands> pcp, Duration timeout,
                 RetryBackoff backoff, Clock clock) {
        this.endpoint = endpoint;
        this.peer = peer;
        this.pcp = pcp;
        this.timeout = timeout;
        this.backoff = backoff;
        this.clock = clock;
        this.sql = Executors.newSingleThreadScheduledExecutor(daemon("tidepool-pgpool-sql " + endpoint.sqlAddress()));
        this.pcpThread = Executors.newSingleThreadExecutor(daemon("tidepool-pgpool-pcp " + endpoint.sqlAddress()));
    }

    @Override
    public ClusterClientKind kind() {
        return peer.kind;
    }

    @Override
    public String displayName() {
        return peer.label + " at " + endpoint.sqlAddress();
    }

    @Override
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        sql.execute(this::connectAttempt);
    }

    @Override
    public ConnectionStatus connectionStatus() {
        return listeners.status();
    }

    @Override
    public Subscription onConnectionStatus(Consumer<ConnectionStatus> listener) {
        return listeners.onConnectionStatus(listener);
    }

    @Override
    public Subscription onEvent(Consumer<ClusterEvent> listener) {
        return listeners.onEvent(listener);
    }

    @Override
    public CompletableFuture<ClusterSnapshot> snapshot() {
        if (closed) {
            return CompletableFuture.failedFuture(new ClusterClientException("the connection to " + displayName() + " is closed"));
        }
        CompletableFuture<ClusterSnapshot> read = CompletableFuture.supplyAsync(this::readSnapshot, sql);
        return withTimeout(read, "reading SHOW pool_nodes from " + displayName());
    }

    @Override
    public ActionAvailability availability(NodeAction action, PoolNode node) {
        ActionAvailability byState = NodeActionRules.check(action, node);
        if (!byState.isAvailable() || action == NodeAction.RECOVER) {
            return byState;
        }
        if (pcp.isEmpty()) {
            return ActionAvailability.notAvailable("no PCP port is configured for this connection; node actions go through PCP");
        }
        return byState;
    }

    @Override
    public CompletableFuture<ActionResult> perform(NodeAction action, PoolNode node) {
        ActionAvailability availability = availability(action, node);
        if (availability instanceof ActionAvailability.NotAvailable na) {
            return CompletableFuture.completedFuture(new ActionResult.NotAvailable(action, node.nodeId(), na.reason()));
        }
        PcpNodeCommands commands = pcp.orElseThrow();
        int id = node.nodeId();
        publish(ClusterEvent.ofNode(clock.instant(), ClusterEvent.Kind.ACTION, id,
                action.verb() + " node " + id + " requested", "sent to " + displayName() + " over PCP"));
        CompletableFuture<ActionResult> sent = CompletableFuture.supplyAsync(() -> {
            try {
                switch (action) {
                    case ATTACH -> commands.attachNode(id);
                    case DETACH -> commands.detachNode(id, false);
                    case DETACH_GRACEFULLY -> commands.detachNode(id, true);
                    case PROMOTE -> commands.promoteNode(id, false);
                    case SWITCHOVER -> commands.promoteNode(id, true);
                    case RECOVER -> throw new IllegalStateException("recover passed the availability check");
                }
            } catch (IOException e) {
                throw new ClusterClientException("could not " + action.verb() + " node " + id + ": " + e.getMessage(), e);
            }
            return (ActionResult) new ActionResult.Done(action, id,
                    "pgpool-II accepted the request to " + action.verb() + " node " + id);
        }, pcpThread);
        // Graceful detach waits for sessions to end (up to pgpool-II's recovery_timeout).
        Duration limit = action == NodeAction.DETACH_GRACEFULLY ? timeout.multipliedBy(24) : timeout.multipliedBy(2);
        CompletableFuture<ActionResult> bounded = withTimeout(sent, action.verb() + " node " + id, limit);
        bounded.whenComplete((result, failure) -> {
            if (failure != null) {
                publish(ClusterEvent.ofNode(clock.instant(), ClusterEvent.Kind.ACTION_FAILED, id,
                        "could not " + action.verb() + " node " + id, Errors.describe(failure)));
            } else if (result instanceof ActionResult.Done done) {
                publish(ClusterEvent.ofNode(clock.instant(), ClusterEvent.Kind.ACTION, id, done.message(), ""));
            }
        });
        return bounded;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sql.execute(() -> {
            closeConnection();
            setStatus(ConnectionStatus.of(ConnectionState.CLOSED, "closed by the console"));
        });
        // No waiting here: close() may be called on the FX thread. The SQL thread finishes the
        // read in hand (bounded by the socket timeout), closes the connection and ends.
        sql.shutdown();
        pcpThread.shutdownNow();
    }

    // ---- sql thread ----

    private void connectAttempt() {
        if (closed) {
            return;
        }
        setStatus(new ConnectionStatus(failures == 0 ? ConnectionState.CONNECTING : ConnectionState.RETRYING,
                "connecting to " + endpoint.sqlAddress(), failures, Optional.empty()));
        ClusterSnapshot first;
        try {
            connection = open();
            first = query();
            pcpOnly = Optional.empty();
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            if (peer != Peer.TIDEPOOL || pcp.isEmpty()) {
                lost(e);
                return;
            }
            // A Tidepool without SQL admin commands (or whose SQL port refuses the console): PCP alone.
            try {
                first = readPcp();
                pcpOnly = Optional.of(Errors.describe(e));
            } catch (IOException | RuntimeException pcpFailure) {
                lost(new IOException("neither SHOW pool_nodes (" + Errors.describe(e) + ") nor PCP ("
                        + Errors.describe(pcpFailure) + ") answered", pcpFailure));
                return;
            }
        }
        failures = 0;
        String how = pcpOnly.map(why -> " over PCP only (SHOW pool_nodes: " + why
                + "); select_cnt and load_balance_node are unknown").orElse("");
        setStatus(ConnectionStatus.of(ConnectionState.CONNECTED,
                "connected to " + displayName() + how + ", " + first.nodes().size() + " nodes"));
        publish(ClusterEvent.ofCluster(clock.instant(), ClusterEvent.Kind.CONNECTION,
                (everConnected ? "connection restored to " : "connected to ") + displayName(),
                first.nodes().size() + " nodes" + how));
        everConnected = true;
        accept(first);
    }

    /** All nodes from PCP's node info, on the sql thread (PCP calls have their own time limit). */
    private ClusterSnapshot readPcp() throws IOException {
        return EngineMapping.fromPcp(pcp.orElseThrow().nodeInfo(), clock.instant(), ZoneId.systemDefault());
    }

    private ClusterSnapshot readSnapshot() {
        if (pcpOnly.isPresent()) {
            try {
                ClusterSnapshot snapshot = readPcp();
                accept(snapshot);
                return snapshot;
            } catch (IOException | RuntimeException e) {
                lost(e);
                throw new ClusterClientException("lost PCP to " + displayName() + ": " + Errors.describe(e), e);
            }
        }
        if (connection == null) {
            ConnectionStatus s = listeners.status();
            throw new ClusterClientException("not connected to " + displayName()
                    + (s.detail().isEmpty() ? "" : ": " + s.detail()));
        }
        try {
            ClusterSnapshot snapshot = query();
            accept(snapshot);
            return snapshot;
        } catch (SQLException e) {
            lost(e);
            throw new ClusterClientException("lost the connection to " + displayName() + ": " + Errors.describe(e), e);
        }
    }

    private void accept(ClusterSnapshot snapshot) {
        List<ClusterEvent> events = SnapshotEvents.between(previous, snapshot);
        previous = Optional.of(snapshot);
        events.forEach(this::publish);
    }

    private ClusterSnapshot query() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            try (ResultSet rs = st.executeQuery(PoolNodesReader.QUERY)) {
                return new ClusterSnapshot(clock.instant(), PoolNodesReader.read(rs));
            }
        } catch (SQLException e) {
            if ("42704".equals(e.getSQLState())) {
                // PostgreSQL itself answered: "unrecognized configuration parameter pool_nodes".
                throw new SQLException(peer == Peer.TIDEPOOL
                        ? "the proxy at " + endpoint.sqlAddress() + " passes SHOW pool_nodes on to PostgreSQL (no SQL admin commands)"
                        : endpoint.sqlAddress() + " is not pgpool-II (SHOW pool_nodes is unknown there)", "42704", e);
            }
            throw e;
        }
    }

    private Connection open() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", endpoint.user());
        endpoint.password().ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("ApplicationName", "tidepool-console");
        long seconds = Math.max(1, timeout.toSeconds());
        p.setProperty("connectTimeout", Long.toString(seconds));
        p.setProperty("loginTimeout", Long.toString(seconds));
        p.setProperty("socketTimeout", Long.toString(seconds * 2));
        p.setProperty("tcpKeepAlive", "true");
        String url = "jdbc:postgresql://" + hostForUrl(endpoint.host()) + ":" + endpoint.port() + "/" + endpoint.database();
        return DriverManager.getConnection(url, p);
    }

    private void lost(Exception e) {
        closeConnection();
        pcpOnly = Optional.empty();
        if (closed) {
            return;
        }
        failures++;
        Duration delay = backoff.delayAfter(failures);
        String reason = Errors.describe(e);
        if (failures == 1 && everConnected) {
            publish(ClusterEvent.ofCluster(clock.instant(), ClusterEvent.Kind.CONNECTION,
                    "lost the connection to " + displayName(), reason));
        }
        setStatus(new ConnectionStatus(ConnectionState.LOST, reason, failures, Optional.of(clock.instant().plus(delay))));
        sql.schedule(this::connectAttempt, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already broken; nothing else to release.
            }
            connection = null;
        }
    }

    // ---- any thread ----

    private void setStatus(ConnectionStatus next) {
        listeners.setStatus(next);
    }

    private void publish(ClusterEvent event) {
        listeners.publish(event);
    }

    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, String what) {
        return withTimeout(f, what, timeout);
    }

    private static <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, String what, Duration limit) {
        CompletableFuture<T> result = new CompletableFuture<>();
        f.orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = Errors.unwrap(failure);
            if (cause instanceof TimeoutException) {
                result.completeExceptionally(new ClusterClientException(
                        what + " took longer than " + limit.toMillis() + " ms; giving up waiting", cause));
            } else if (cause instanceof ClusterClientException) {
                result.completeExceptionally(cause);
            } else {
                result.completeExceptionally(new ClusterClientException(what + " failed: " + Errors.describe(cause), cause));
            }
        });
        // Cancelling the caller's future cancels the wait; the work itself may already be on the wire.
        result.whenComplete((v, t) -> {
            if (result.isCancelled()) {
                f.cancel(false);
            }
        });
        return result;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
