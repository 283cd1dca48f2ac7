package io.tidepool.cluster;

import io.tidepool.config.BackendDefinition;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single owner of cluster state (DESIGN.md "Cluster state has one owner").
 *
 * <p><b>Threads.</b> One thread, {@code tidepool-cluster}, changes node status, roles and the
 * primary, runs failover, failback and follow-primary in the order they were asked for (as
 * pgpool-II's main process works through its request queue), writes {@code pgpool_status} and
 * tells listeners. Every change publishes a new immutable {@link ClusterSnapshot} through a
 * volatile field, so sessions, PCP, SHOW and the console read it without locks. Health checks,
 * replication checks and other blocking probes run on a bounded scheduler
 * ({@code tidepool-cluster-io}) and hand their findings to the owner thread. Nothing here ever
 * runs on a Netty event loop; nothing that blocks is unbounded in time (connect and statement
 * timeouts, command time limits, {@code search_primary_node_timeout}).
 *
 * <p><b>What sessions use.</b> {@link #snapshot()}; {@link #subscribe} for events (listeners run
 * on the owner thread and must only hand over); {@link #reportBackendFailure} when a backend
 * connection fails or reports shutdown.
 */
public final class ClusterCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterCoordinator.class);
    /** Probes a failover waits for before giving a node up as unknown. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

    /**
     * @param discardStatusFile start with {@code -D}: delete {@code pgpool_status}, every node up
     */
    public record Options(boolean discardStatusFile, Clock clock, int journalCapacity) {
        public static Options defaults() {
            return new Options(false, Clock.systemUTC(), EventJournal.DEFAULT_CAPACITY);
        }

        public Options withDiscardStatusFile(boolean discard) {
            return new Options(discard, clock, journalCapacity);
        }
    }

    private final Options options;
    private final Clock clock;
    private final EventJournal journal;
    private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService owner;
    private final ScheduledThreadPoolExecutor blocking;
    private final HealthChecker healthChecker;
    private final ReplicationDelayChecker replicationChecker;
    private final FailoverCoordinator failover;
    private volatile Thread ownerThread;
    private volatile ClusterSettings settings;
    private volatile BackendCredentials credentials;
    private volatile ClusterSnapshot snapshot;
    private volatile boolean closed;
    private volatile Future<?> primarySearch;
    /** Nodes whose shutdown report is being confirmed ({@link #reportBackendFailure}). */
    private final Set<Integer> shutdownChecks = ConcurrentHashMap.newKeySet();

    public ClusterCoordinator(ClusterSettings settings, Options options) {
        this.settings = settings;
        this.options = options;
        this.clock = options.clock();
        this.credentials = BackendCredentials.of(settings);
        this.journal = new EventJournal(options.journalCapacity(), clock);
        this.owner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tidepool-cluster");
            t.setDaemon(true);
            ownerThread = t;
            return t;
        });
        int threads = Math.max(4, Math.min(32, settings.slotCount() * 2 + 2));
        this.blocking = new ScheduledThreadPoolExecutor(threads, named("tidepool-cluster-io"));
        this.blocking.setRemoveOnCancelPolicy(true);
        this.snapshot = initialSnapshot(settings, List.of(), clock);
        this.healthChecker = new HealthChecker(blocking, () -> this.settings, () -> this.snapshot,
                () -> this.credentials, new HealthOutcome(), clock);
        this.replicationChecker = new ReplicationDelayChecker(this, blocking);
        this.failover = new FailoverCoordinator(this);
    }

    // ------------------------------------------------------------------ life cycle

    /**
     * Reads (or discards) {@code pgpool_status}, finds out which node is primary, then starts the
     * health and replication checks. Returns after the first round of probes (each bounded by its
     * connect timeout); in streaming replication a primary not found yet is searched for in the
     * background for up to {@code search_primary_node_timeout}.
     */
    public void start() {
        await(submit(this::startOnOwner), "starting the cluster owner");
        healthChecker.start();
        replicationChecker.start();
    }

    private void startOnOwner() {
        ClusterSettings current = settings;
        List<NodeStatus> restored = List.of();
        try {
            if (options.discardStatusFile()) {
                StatusFile.discard(current.statusFile());
                log.info("discarded {} (-D)", current.statusFile());
            } else {
                restored = StatusFile.read(current.statusFile(), current.slotCount()).orElse(List.of());
                if (!restored.isEmpty()) {
                    log.info("node statuses restored from {}: {}", current.statusFile(), restored);
                }
            }
        } catch (IOException e) {
            emit(ClusterEvent.Kind.NOTICE, OptionalInt.empty(), "cannot read " + current.statusFile()
                    + "; every node starts as up", e.getMessage());
        }
        snapshot = initialSnapshot(current, restored, clock);
        for (NodeSnapshot node : snapshot.nodes()) {
            if (node.status() == NodeStatus.DOWN) {
                emit(ClusterEvent.Kind.NODE_DOWN, OptionalInt.of(node.id()),
                        "node " + node.id() + " stays down as recorded in " + current.statusFile()
                                + "; attach it with pcp_attach_node, or start with -D to discard the file", "");
            }
        }
        writeStatusFile();
        detectRoles(Duration.ZERO);
        if (current.mode().hasPrimary() && snapshot.primaryId().isEmpty()) {
            searchPrimaryInBackground("no primary found yet", found -> { });
        }
    }

    /**
     * Applies a reloaded configuration: check periods, commands, thresholds, weights. A backend
     * added by the reload starts {@code down} until it is attached (pcp_attach_node), as in
     * pgpool-II; a removed one becomes {@code unused}. Host and port changes need a restart.
     */
    public void reload(ClusterSettings newSettings) {
        await(submit(() -> {
            settings = newSettings;
            credentials = BackendCredentials.of(newSettings);
            reconcileNodes(newSettings);
        }), "reloading cluster settings");
        healthChecker.start();
        replicationChecker.start();
    }

    /** Stops the checks and the owner thread; a failover in progress is interrupted. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        healthChecker.stop();
        replicationChecker.stop();
        Future<?> search = primarySearch;
        if (search != null) {
            search.cancel(true);
        }
        owner.shutdownNow();
        blocking.shutdownNow();
        try {
            owner.awaitTermination(5, TimeUnit.SECONDS);
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reconcileNodes(ClusterSettings newSettings) {
        ClusterSnapshot fresh = initialSnapshot(newSettings, List.of(), clock);
        List<Integer> added = new ArrayList<>();
        List<Integer> removed = new ArrayList<>();
        ClusterSnapshot before = snapshot;
        int slots = Math.max(before.nodeCount(), fresh.nodeCount());
        Instant now = clock.instant();
        publish(nodes -> {
            List<NodeSnapshot> result = new ArrayList<>();
            for (int id = 0; id < slots; id++) {
                NodeSnapshot old = id < nodes.size() ? nodes.get(id) : null;
                NodeSnapshot configured = id < fresh.nodeCount() ? fresh.nodes().get(id) : null;
                boolean exists = configured != null && newSettings.backend(id).isPresent();
                if (old == null || old.status() == NodeStatus.UNUSED) {
                    if (exists) {
                        added.add(id);
                        result.add(configured.withStatus(NodeStatus.DOWN, now));
                    } else {
                        result.add(old != null ? old : configured);
                    }
                } else if (!exists) {
                    removed.add(id);
                    result.add(old.withStatus(NodeStatus.UNUSED, now));
                } else {
                    result.add(new NodeSnapshot(old.id(), old.hostname(), old.port(), old.status(), old.quarantined(),
                            old.actualStatus(), configured.weight(), old.role(), old.actualRole(),
                            old.replicationDelay(), newSettings.delayByTime(), old.replicationState(), old.syncState(),
                            old.lastStatusChange(), old.selectCount(), old.loadBalanceNode()));
                }
            }
            return result;
        }, before.primaryId());
        for (int id : added) {
            emit(ClusterEvent.Kind.NOTICE, OptionalInt.of(id), "node " + id + " added by a reload; it stays down "
                    + "until it is built and attached (pcp_recovery_node), or attached when it already runs "
                    + "as a standby (pcp_attach_node)", "");
        }
        for (int id : removed) {
            emit(ClusterEvent.Kind.NODE_DOWN, OptionalInt.of(id), "node " + id + " removed by a reload", "");
        }
        announcePrimary(before);
    }

    // ------------------------------------------------------------------ reading

    /** The current cluster; never blocks. */
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public ClusterSettings settings() {
        return settings;
    }

    public EventJournal journal() {
        return journal;
    }

    public HealthCheckStatistics healthCheckStatistics(int nodeId) {
        return healthChecker.statistics(nodeId);
    }

    /** Adds a listener; closing the returned handle removes it. */
    public AutoCloseable subscribe(ClusterListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ------------------------------------------------------------------ requests

    /**
     * Takes a node out of service (pcp_detach_node, PCP {@code D}): refused for a node that is not
     * alive or whose {@code backend_flag} disallows failover. The returned future completes when
     * the failover (commands, new primary, follow-primary) has finished.
     */
    public CompletableFuture<Void> detachNode(int nodeId, String reason) throws ClusterRequestException {
        checkDetach(nodeId);
        return submit(() -> failover.failover(List.of(nodeId), reason, OptionalInt.empty()));
    }

    /** The checks of {@link #detachNode} alone (a graceful detach checks before waiting for sessions). */
    public void checkDetach(int nodeId) throws ClusterRequestException {
        NodeSnapshot node = requireNode(nodeId, "invalid degenerate backend request");
        if (!node.isUp()) {
            throw ClusterRequestException.error("invalid degenerate backend request, node id : " + nodeId
                    + " status: [" + node.status().code() + "] is not valid for failover", null);
        }
        if (!failoverAllowed(nodeId)) {
            throw ClusterRequestException.error("degenerate backend request for node_id: " + nodeId
                    + " is canceled because failover is disallowed on the node", "backend_flag" + nodeId
                    + " is DISALLOW_TO_FAILOVER");
        }
    }

    /** Puts a node back into service (pcp_attach_node, failback); completes after failback_command. */
    public CompletableFuture<Void> attachNode(int nodeId, String reason) throws ClusterRequestException {
        requireNode(nodeId, "invalid failback request");
        if (settings.backend(nodeId).isEmpty()) {
            throw ClusterRequestException.error("invalid failback request, node id: " + nodeId + " is not configured",
                    null);
        }
        return submit(() -> failover.failback(nodeId, reason));
    }

    /**
     * Makes a node the primary (pcp_promote_node). With {@code switchover}, or with
     * {@code builtin_failover} on, the node's server really is promoted and the old primary
     * detached; otherwise, as pgpool-II, only the proxy's view changes and follow_primary_command
     * is expected to do the rest.
     */
    public CompletableFuture<Void> promoteNode(int nodeId, boolean switchover) throws ClusterRequestException {
        ClusterSettings current = settings;
        if (!current.mode().hasPrimary()) {
            throw new ClusterRequestException("invalid pgpool mode for process promote request",
                    "not in streaming replication mode, can't promote node id " + nodeId, true);
        }
        NodeSnapshot node = requireNode(nodeId, "could not process promote request");
        if (snapshot.primaryId().equals(OptionalInt.of(nodeId))) {
            throw new ClusterRequestException("invalid promote request",
                    "specified node is already primary node, can't promote node id " + nodeId, true);
        }
        if (!node.isUp()) {
            throw ClusterRequestException.error("could not process promote request",
                    "node " + nodeId + " is " + node.statusName() + "; attach it first");
        }
        return submit(() -> failover.promote(nodeId, switchover));
    }

    /**
     * A session's backend connection to {@code nodeId} failed, or its server ended the session
     * with 57P01/57P02. Depending on {@code failover_on_backend_error} /
     * {@code failover_on_backend_shutdown} and the node's {@code backend_flag}, the node is
     * detached. Never blocks; callable from an event loop.
     *
     * <p>A shutdown report is confirmed before anything is detached: {@code pg_terminate_backend()}
     * ends one session with the same 57P01 a stopping server sends, and an operator cancelling a
     * runaway query must not lose a node (pgpool-II only recognises the calls made through
     * itself). One new connection is tried with the health-check credentials and
     * {@code connect_timeout}: a stopping server refuses it (57P03, or nothing listens any more), a
     * server that only ended one session lets it in, and a notice is journaled instead. While a
     * node's report is being confirmed, further reports about it (every session on the node gets
     * the same words) are dropped.
     */
    public void reportBackendFailure(int nodeId, BackendFailure failure, String detail) {
        ClusterSettings current = settings;
        boolean wanted = failure == BackendFailure.SHUTDOWN ? current.failoverOnBackendShutdown()
                : current.failoverOnBackendError();
        if (!wanted || closed) {
            log.debug("backend {} of node {} ({}) ignored: failover on it is off", failure, nodeId, detail);
            return;
        }
        if (failure == BackendFailure.CONNECTION_ERROR) {
            owner.execute(() -> detachFailedNode(nodeId, "a session's backend connection failed: " + detail, detail));
            return;
        }
        if (!snapshot.node(nodeId).map(NodeSnapshot::isUp).orElse(false) || !shutdownChecks.add(nodeId)) {
            return;
        }
        try {
            blocking.execute(() -> confirmShutdown(nodeId, detail));
        } catch (RejectedExecutionException e) {
            shutdownChecks.remove(nodeId);
        }
    }

    /** On a blocking thread: does the node that reported shutdown still accept connections? */
    private void confirmShutdown(int nodeId, String detail) {
        try {
            Optional<String> refused = healthChecker.probe(nodeId);
            owner.execute(() -> {
                if (refused.isPresent()) {
                    detachFailedNode(nodeId, "a session's backend reported shutdown (" + detail
                            + ") and a new connection failed: " + refused.get(), detail);
                } else if (snapshot.node(nodeId).map(NodeSnapshot::isUp).orElse(false)) {
                    emit(ClusterEvent.Kind.NOTICE, OptionalInt.of(nodeId), "node " + nodeId + " ended a session with "
                            + "a shutdown error but accepts new connections; no failover (pg_terminate_backend?)",
                            detail);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("node {} reported shutdown while the cluster owner closes", nodeId);
        } finally {
            shutdownChecks.remove(nodeId);
        }
    }

    /** On the owner thread: fails a node over after a session saw it fail, unless backend_flag forbids it. */
    private void detachFailedNode(int nodeId, String reason, String detail) {
        NodeSnapshot node = snapshot.node(nodeId).orElse(null);
        if (node == null || !node.isUp()) {
            return;
        }
        if (!failoverAllowed(nodeId)) {
            emit(ClusterEvent.Kind.FAILOVER_REFUSED, OptionalInt.of(nodeId), "backend of node " + nodeId
                    + " failed (" + detail + ") but backend_flag disallows failover", "");
            return;
        }
        failover.failover(List.of(nodeId), reason, OptionalInt.empty());
    }

    private NodeSnapshot requireNode(int nodeId, String message) throws ClusterRequestException {
        ClusterSnapshot current = snapshot;
        return current.node(nodeId).orElseThrow(() -> ClusterRequestException.error(message + ", node id: " + nodeId
                + " is out of range. node id must be between [0 and " + Math.max(0, current.nodeCount() - 1) + "]",
                null));
    }

    boolean failoverAllowed(int nodeId) {
        return settings.backend(nodeId).map(b -> b.flag().allowToFailover()).orElse(false);
    }

    // ------------------------------------------------------------------ owner-thread state changes

    /** Runs a task on the owner thread; the future completes when it has run. */
    CompletableFuture<Void> submit(Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the cluster owner is closed"));
            return done;
        }
        try {
            owner.execute(() -> {
                try {
                    task.run();
                    done.complete(null);
                } catch (RuntimeException e) {
                    if (closed) {
                        // Closing interrupts tasks and refuses their probes; nothing went wrong.
                        log.debug("cluster task ended by close: {}", e.toString());
                    } else {
                        log.error("cluster task failed", e);
                    }
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the cluster owner is closed"));
        }
        return done;
    }

    private static void await(CompletableFuture<Void> future, String what) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    void assertOwner() {
        if (Thread.currentThread() != ownerThread) {
            throw new IllegalStateException("cluster state changed outside the cluster thread");
        }
    }

    boolean isClosed() {
        return closed;
    }

    Clock clock() {
        return clock;
    }

    NodeSql sql() {
        return new NodeSql(settings, credentials);
    }

    FailoverCoordinator failoverCoordinator() {
        return failover;
    }

    ScheduledThreadPoolExecutor blockingExecutor() {
        return blocking;
    }

    /**
     * Replaces nodes and primary, recomputes roles and publishes the snapshot; writes
     * {@code pgpool_status} when a status changed. Owner thread only.
     */
    ClusterSnapshot publish(UnaryOperator<List<NodeSnapshot>> change, OptionalInt primaryId) {
        assertOwner();
        ClusterSnapshot before = snapshot;
        List<NodeSnapshot> nodes = change.apply(new ArrayList<>(before.nodes()));
        ClusteringMode mode = settings.mode();
        OptionalInt primary = mode.hasPrimary() ? primaryId : mainNode(nodes);
        if (primary.isPresent() && !nodes.get(primary.getAsInt()).isUp()) {
            primary = mode.hasPrimary() ? OptionalInt.empty() : mainNode(nodes);
        }
        List<NodeSnapshot> withRoles = new ArrayList<>(nodes.size());
        for (NodeSnapshot n : nodes) {
            boolean isPrimary = primary.isPresent() && primary.getAsInt() == n.id();
            NodeRole role = mode.hasPrimary() ? (isPrimary ? NodeRole.PRIMARY : NodeRole.STANDBY)
                    : (isPrimary ? NodeRole.MAIN : NodeRole.REPLICA);
            NodeSnapshot updated = n.role() == role ? n : n.withRole(role);
            if (!mode.hasPrimary()) {
                updated = updated.withActual(updated.actualStatus(), role.text());
            }
            withRoles.add(updated);
        }
        snapshot = new ClusterSnapshot(withRoles, primary, mode, clock.instant());
        boolean statusChanged = withRoles.size() != before.nodeCount();
        for (int i = 0; i < Math.min(withRoles.size(), before.nodeCount()); i++) {
            statusChanged |= withRoles.get(i).status() != before.nodes().get(i).status();
        }
        if (statusChanged) {
            writeStatusFile();
        }
        return before;
    }

    /** Emits PRIMARY_CHANGED when the primary differs from the one in {@code before}. */
    void announcePrimary(ClusterSnapshot before) {
        ClusteringMode mode = snapshot.clusteringMode();
        if (!before.primaryId().equals(snapshot.primaryId())) {
            String text = snapshot.primaryId().isPresent()
                    ? (mode.hasPrimary() ? "primary" : "main node") + " is now node " + snapshot.primaryId().getAsInt()
                    : "no primary node: writes fail until a standby is promoted";
            String was = before.primaryId().isPresent() ? " (was node " + before.primaryId().getAsInt() + ")" : "";
            emit(ClusterEvent.Kind.PRIMARY_CHANGED, snapshot.primaryId(), text + was, "");
        }
    }

    /** Sets one node's status (with a NODE_UP/NODE_DOWN event when it changes). Owner thread only. */
    void setStatus(int nodeId, NodeStatus status, ClusterEvent.Kind kind, String reason) {
        NodeSnapshot node = snapshot.nodes().get(nodeId);
        if (node.status() == status) {
            return;
        }
        Instant now = clock.instant();
        ClusterSnapshot before = publish(nodes -> {
            nodes.set(nodeId, node.withStatus(status, now));
            return nodes;
        }, snapshot.primaryId());
        emit(kind, OptionalInt.of(nodeId), reason, "");
        announcePrimary(before);
    }

    void setPrimary(OptionalInt primaryId) {
        announcePrimary(publish(UnaryOperator.identity(), primaryId));
    }

    /**
     * Records an event that happened outside the cluster owner (an online recovery's progress):
     * into the journal at once, so it keeps the order of the caller's events; to the listeners
     * from the owner thread, as every other event. Never blocks on the owner; any thread.
     */
    public void report(ClusterEvent.Kind kind, OptionalInt nodeId, String message, String detail) {
        ClusterEvent event = journal.record(kind, nodeId, message, detail);
        logEvent(event, warning(kind));
        try {
            owner.execute(() -> tell(event));
        } catch (RejectedExecutionException e) {
            log.debug("cluster owner closed; listeners not told of {}", event.summary());
        }
    }

    private static boolean warning(ClusterEvent.Kind kind) {
        return switch (kind) {
            case NODE_DOWN, FAILOVER_REFUSED, PROMOTION_FAILED, FALSE_PRIMARY, HEALTH_CHECK_FAILED, RECOVERY_FAILED -> true;
            default -> false;
        };
    }

    /** Records an event, logs it and tells every listener. Owner thread (or before start). */
    void emit(ClusterEvent.Kind kind, OptionalInt nodeId, String message, String detail) {
        emit(kind, nodeId, message, detail, warning(kind));
    }

    /** As {@link #emit(ClusterEvent.Kind, OptionalInt, String, String)}, logging at WARN when {@code warning}. */
    void emit(ClusterEvent.Kind kind, OptionalInt nodeId, String message, String detail, boolean warning) {
        ClusterEvent event = journal.record(kind, nodeId, message, detail);
        logEvent(event, warning);
        tell(event);
    }

    private static void logEvent(ClusterEvent event, boolean warning) {
        String detail = event.detail();
        if (warning) {
            log.warn("{}{}", event.summary(), detail.isEmpty() ? "" : "\n" + detail);
        } else {
            log.info("{}{}", event.summary(), detail.isEmpty() ? "" : "\n" + detail);
        }
    }

    /** Tells every listener; owner thread. */
    private void tell(ClusterEvent event) {
        ClusterSnapshot current = snapshot;
        for (ClusterListener listener : listeners) {
            try {
                listener.onEvent(event, current);
            } catch (RuntimeException e) {
                log.error("cluster listener {} failed on {}", listener, event.summary(), e);
            }
        }
    }

    private void writeStatusFile() {
        ClusterSettings current = settings;
        try {
            StatusFile.write(current.statusFile(), snapshot.nodes().stream().map(NodeSnapshot::status).toList());
        } catch (IOException e) {
            log.error("cannot write {}: {}", current.statusFile(), e.getMessage());
        }
    }

    /** The lowest-numbered node that is up: pgpool-II's main node. */
    static OptionalInt mainNode(List<NodeSnapshot> nodes) {
        return nodes.stream().filter(NodeSnapshot::isUp).mapToInt(NodeSnapshot::id).findFirst();
    }

    // ------------------------------------------------------------------ roles and primary search

    /**
     * Asks every node that is not down whether it is in recovery, marks answering nodes up and
     * picks the primary: a node flagged ALWAYS_PRIMARY if it is alive, else the lowest-numbered
     * node not in recovery. Retries every second for up to {@code searchFor}. Owner thread only.
     *
     * @return the primary found
     */
    OptionalInt detectRoles(Duration searchFor) {
        assertOwner();
        long deadline = System.nanoTime() + searchFor.toNanos();
        while (true) {
            Map<Integer, Optional<Boolean>> answers = probeRecovery(snapshot.nodes());
            OptionalInt primary = applyProbe(answers);
            if (primary.isPresent() || !settings.mode().hasPrimary() || System.nanoTime() >= deadline || closed) {
                return primary;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalInt.empty();
            }
        }
    }

    /** Asks every node that is not down, in parallel on the blocking pool, with a bound. */
    Map<Integer, Optional<Boolean>> probeRecovery(List<NodeSnapshot> nodes) {
        NodeSql sql = sql();
        Map<Integer, CompletableFuture<Optional<Boolean>>> futures = new TreeMap<>();
        for (NodeSnapshot node : nodes) {
            if (node.isUp()) {
                futures.put(node.id(), CompletableFuture.supplyAsync(() -> sql.inRecovery(node, PROBE_TIMEOUT), blocking));
            }
        }
        Map<Integer, Optional<Boolean>> answers = new TreeMap<>();
        long deadline = System.nanoTime() + PROBE_TIMEOUT.plusSeconds(5).toNanos();
        futures.forEach((id, f) -> {
            try {
                answers.put(id, f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answers.put(id, Optional.empty());
            } catch (ExecutionException | TimeoutException e) {
                answers.put(id, Optional.empty());
            }
        });
        return answers;
    }

    /**
     * {@code n} after it answered the recovery probe: pg_status {@code up}, except where health
     * checks are off and it stays "unknown" (spec 2.2.1); pg_role from the answer.
     */
    static NodeSnapshot answered(NodeSnapshot n, ClusterSettings settings, boolean inRecovery) {
        NodeSnapshot.ActualStatus pgStatus = settings.healthCheck(n.id()).enabled()
                ? NodeSnapshot.ActualStatus.UP : n.actualStatus();
        return n.withActual(pgStatus, inRecovery ? "standby" : "primary");
    }

    private OptionalInt applyProbe(Map<Integer, Optional<Boolean>> answers) {
        ClusterSettings current = settings;
        Instant now = clock.instant();
        OptionalInt alwaysPrimary = current.backends().stream()
                .filter(b -> b.flag().alwaysPrimary())
                .mapToInt(BackendDefinition::id)
                .filter(id -> snapshot.nodes().get(id).isUp())
                .findFirst();
        OptionalInt primary = alwaysPrimary.isPresent() ? alwaysPrimary
                : answers.entrySet().stream().filter(e -> e.getValue().equals(Optional.of(false)))
                .mapToInt(Map.Entry::getKey).findFirst();
        List<Integer> becameUp = new ArrayList<>();
        ClusterSnapshot before = publish(nodes -> {
            for (Map.Entry<Integer, Optional<Boolean>> e : answers.entrySet()) {
                NodeSnapshot n = nodes.get(e.getKey());
                if (e.getValue().isPresent()) {
                    if (n.status() == NodeStatus.WAITING) {
                        n = n.withStatus(NodeStatus.UP, now);
                        becameUp.add(n.id());
                    }
                    n = answered(n, current, e.getValue().get());
                } else {
                    n = n.withActual(n.actualStatus(), "unknown");
                }
                nodes.set(n.id(), n);
            }
            return nodes;
        }, current.mode().hasPrimary() ? primary : OptionalInt.empty());
        for (int id : becameUp) {
            emit(ClusterEvent.Kind.NODE_UP, OptionalInt.of(id), "node " + id + " answers", "");
        }
        announcePrimary(before);
        return snapshot.primaryId();
    }

    /**
     * Probes every second, up to {@code search_primary_node_timeout}, until a node answers as the
     * primary; {@code onFound} runs (owner thread) when this search found it. The owner thread is
     * free in between: requests (pcp_attach_node, pcp_promote_node), health-check outcomes and
     * reloads go on, and one that sets a primary itself ends the search without {@code onFound}.
     * A new search replaces one still running. pgpool-II's failover process waits in its search
     * instead, so for up to five minutes by default nothing else it is asked is done.
     */
    void searchPrimaryInBackground(String why, java.util.function.IntConsumer onFound) {
        assertOwner();
        Future<?> running = primarySearch;
        if (running != null) {
            running.cancel(false);
        }
        Duration timeout = settings.searchPrimaryNodeTimeout();
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        emit(ClusterEvent.Kind.NOTICE, OptionalInt.empty(), why + "; searching"
                + (timeout.isZero() ? "" : " for up to " + timeout.toSeconds() + " s (search_primary_node_timeout)"), "");
        java.util.concurrent.atomic.AtomicReference<Future<?>> self = new java.util.concurrent.atomic.AtomicReference<>();
        Future<?> search = blocking.scheduleWithFixedDelay(() -> submit(() -> {
            if (self.get() != primarySearch) {
                return; // replaced or ended meanwhile (primarySearch is set before the first tick)
            }
            if (snapshot.primaryId().isPresent()) {
                endSearch(self.get()); // a request or a failback set the primary
                return;
            }
            if (System.nanoTime() > deadline) {
                endSearch(self.get());
                emit(ClusterEvent.Kind.NOTICE, OptionalInt.empty(), "gave up searching for a primary"
                        + " (search_primary_node_timeout); writes fail until a node is promoted (pcp_promote_node)", "");
                return;
            }
            OptionalInt found = applyProbe(probeRecovery(snapshot.nodes()));
            if (found.isPresent()) {
                endSearch(self.get());
                onFound.accept(found.getAsInt());
            }
        }), 1, 1, TimeUnit.SECONDS);
        self.set(search);
        primarySearch = search;
    }

    /** Ends the running search; owner thread, from the search's own tick. */
    private void endSearch(Future<?> search) {
        search.cancel(false);
        primarySearch = null;
    }

    // ------------------------------------------------------------------ health check outcomes

    private final class HealthOutcome implements HealthChecker.Outcome {
        @Override
        public void reachable(int nodeId) {
            submit(() -> {
                NodeSnapshot node = snapshot.nodes().get(nodeId);
                Instant now = clock.instant();
                if (node.actualStatus() != NodeSnapshot.ActualStatus.UP || node.status() == NodeStatus.WAITING) {
                    boolean wasWaiting = node.status() == NodeStatus.WAITING;
                    publish(nodes -> {
                        NodeSnapshot n = nodes.get(nodeId).withActual(NodeSnapshot.ActualStatus.UP,
                                nodes.get(nodeId).actualRole());
                        nodes.set(nodeId, wasWaiting ? n.withStatus(NodeStatus.UP, now) : n);
                        return nodes;
                    }, snapshot.primaryId());
                    if (wasWaiting) {
                        emit(ClusterEvent.Kind.NODE_UP, OptionalInt.of(nodeId), "node " + nodeId
                                + " passed its health check", "");
                    }
                }
            });
        }

        @Override
        public void unreachable(int nodeId, String reason) {
            submit(() -> {
                publish(nodes -> {
                    nodes.set(nodeId, nodes.get(nodeId).withActual(NodeSnapshot.ActualStatus.DOWN, "unknown"));
                    return nodes;
                }, snapshot.primaryId());
                NodeSnapshot node = snapshot.nodes().get(nodeId);
                if (!node.isUp()) {
                    return;
                }
                if (!failoverAllowed(nodeId)) {
                    emit(ClusterEvent.Kind.HEALTH_CHECK_FAILED, OptionalInt.of(nodeId), "health check of node "
                            + nodeId + " failed; no failover because backend_flag" + nodeId
                            + " is DISALLOW_TO_FAILOVER", reason);
                    return;
                }
                failover.failover(List.of(nodeId), "health check failed: " + reason, OptionalInt.empty());
            });
        }

        @Override
        public void tryFailed(int nodeId, int attempt, int maxRetries, String reason) {
            submit(() -> emit(ClusterEvent.Kind.HEALTH_CHECK_FAILED, OptionalInt.of(nodeId),
                    "health check of node " + nodeId + " failed; retry " + attempt + " of " + maxRetries, reason));
        }
    }

    // ------------------------------------------------------------------ helpers

    static ClusterSnapshot initialSnapshot(ClusterSettings settings, List<NodeStatus> restored, Clock clock) {
        double total = settings.backends().stream().mapToDouble(BackendDefinition::weight).sum();
        Instant now = clock.instant();
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int id = 0; id < settings.slotCount(); id++) {
            Optional<BackendDefinition> b = settings.backend(id);
            NodeStatus status;
            if (b.isEmpty()) {
                status = NodeStatus.UNUSED;
            } else if (id < restored.size() && restored.get(id) == NodeStatus.DOWN) {
                status = NodeStatus.DOWN;
            } else {
                status = NodeStatus.WAITING;
            }
            boolean sr = settings.mode().hasPrimary();
            nodes.add(new NodeSnapshot(id, b.map(BackendDefinition::hostname).orElse(""),
                    b.map(BackendDefinition::port).orElse(0), status, false,
                    NodeSnapshot.ActualStatus.UNKNOWN,
                    b.isPresent() && total > 0 ? b.get().weight() / total : 0.0,
                    sr ? NodeRole.STANDBY : NodeRole.REPLICA, sr ? "unknown" : "replica", 0,
                    settings.delayByTime(), "", "", now, 0, false));
        }
        return new ClusterSnapshot(nodes, OptionalInt.empty(),
                settings.mode(), now);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + next.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
