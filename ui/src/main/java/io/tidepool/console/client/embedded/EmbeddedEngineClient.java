package io.tidepool.console.client.embedded;

import io.tidepool.cluster.ClusterCoordinator;
import io.tidepool.cluster.ClusterRequestException;
import io.tidepool.cluster.ClusterSettings;
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
import io.tidepool.console.client.LogFeed;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.NodeActionRules;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.client.Subscription;
import io.tidepool.ops.Cancellation;
import io.tidepool.recovery.RecoveryException;
import io.tidepool.recovery.RecoveryListener;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.server.logging.LogTail;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The Tidepool engine running in the console's own process: snapshots straight from the cluster
 * owner (no SQL, no polling of a peer), events from its journal as they happen, node actions as
 * requests to the owner (online recovery through the engine's {@code OnlineRecovery}), and the
 * engine's log lines.
 *
 * <p>The client does not own the engine: whoever started it (the demo) stops it; {@link #close()}
 * only unsubscribes.
 *
 * <p>Threading: one daemon thread ({@code tidepool-console-engine}) delivers events in journal
 * order, reads snapshots (cheap: a volatile read and a mapping) and sends requests; the cluster
 * owner's listener only wakes it, as {@code ClusterListener} demands. A graceful detach (waiting
 * for client sessions) and a recovery (copying data) run on other threads so the view keeps
 * refreshing meanwhile.
 */
public final class EmbeddedEngineClient implements ClusterClient {

    /** Longest wait for an action's outcome before the console stops waiting (the action goes on). */
    static final Duration ACTION_WAIT = Duration.ofMinutes(2);
    /** A recovery copies a data directory: the console waits longer before it stops waiting. */
    static final Duration RECOVERY_WAIT = Duration.ofMinutes(30);

    private final TidepoolEngine engine;
    private final Optional<LogTail> log;
    private final IntFunction<OptionalLong> selectCounts;
    private final ZoneId zone;
    private final ExecutorService thread;
    private final ExecutorService waits;
    private final ClientListeners listeners = new ClientListeners();
    private volatile boolean started;
    private volatile boolean closed;

    // Confined to the client thread.
    private AutoCloseable engineSubscription;
    /** Sequence number of the last journal event delivered. */
    private long lastDelivered;

    /**
     * @param log          the engine's log lines, when the process keeps them
     * @param selectCounts {@code select_cnt} per node from the proxy's sessions; return empty where
     *                     nothing counts them (shown as unknown, never as zero)
     */
    public EmbeddedEngineClient(TidepoolEngine engine, Optional<LogTail> log, IntFunction<OptionalLong> selectCounts) {
        this(engine, log, selectCounts, ZoneId.systemDefault());
    }

    EmbeddedEngineClient(TidepoolEngine engine, Optional<LogTail> log, IntFunction<OptionalLong> selectCounts,
                         ZoneId zone) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.log = Objects.requireNonNull(log, "log");
        this.selectCounts = Objects.requireNonNull(selectCounts, "selectCounts");
        this.zone = zone;
        this.thread = Executors.newSingleThreadExecutor(daemon("tidepool-console-engine"));
        this.waits = Executors.newCachedThreadPool(daemon("tidepool-console-engine-wait"));
    }

    /** No counter of SELECTs per node is available: {@code select_cnt} shows as unknown. */
    public static IntFunction<OptionalLong> selectCountsUnknown() {
        return id -> OptionalLong.empty();
    }

    @Override
    public ClusterClientKind kind() {
        return ClusterClientKind.EMBEDDED_ENGINE;
    }

    @Override
    public String displayName() {
        return "embedded engine (" + engine.cluster().snapshot().nodeCount() + " nodes, "
                + engine.cluster().settings().mode().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        thread.execute(() -> {
            // The listener only says "something was recorded"; the journal is read in sequence
            // order on this thread, so nothing is delivered twice or out of order, and records that
            // reach the journal without a listener call (online recovery's steps) are not missed.
            engineSubscription = cluster().subscribe((event, snapshot) -> {
                if (!closed) {
                    try {
                        thread.execute(this::drainJournal);
                    } catch (RejectedExecutionException closedMeanwhile) {
                        // The console closed this client between the check and the hand-over.
                    }
                }
            });
            drainJournal();
            setStatus(ConnectionStatus.of(ConnectionState.CONNECTED,
                    "connected to the engine in this process, " + cluster().snapshot().nodeCount() + " nodes"));
        });
    }

    /** Delivers the journal's events not delivered yet, oldest first. Client thread only. */
    private void drainJournal() {
        if (closed) {
            return;
        }
        for (io.tidepool.cluster.ClusterEvent e : cluster().journal().eventsAfter(lastDelivered)) {
            lastDelivered = e.sequence();
            publish(EngineMapping.event(e));
        }
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
            return CompletableFuture.failedFuture(new ClusterClientException("the console closed its view of the engine"));
        }
        return CompletableFuture.supplyAsync(() -> {
            drainJournal();
            return EngineMapping.snapshot(cluster().snapshot(), selectCounts, zone);
        }, thread);
    }

    @Override
    public ActionAvailability availability(NodeAction action, PoolNode node) {
        if (action == NodeAction.RECOVER) {
            return recoverable(node);
        }
        ActionAvailability byState = NodeActionRules.check(action, node);
        if (!byState.isAvailable()) {
            return byState;
        }
        if (action == NodeAction.DETACH || action == NodeAction.DETACH_GRACEFULLY) {
            try {
                cluster().checkDetach(node.nodeId());
            } catch (ClusterRequestException e) {
                return ActionAvailability.notAvailable(describe(e));
            }
        }
        return byState;
    }

    /** pgpool-II's preconditions of online recovery (spec 3.2), checked locally; the engine checks again. */
    private ActionAvailability recoverable(PoolNode node) {
        int id = node.nodeId();
        if (node.status() == PoolNodeStatus.UNUSED) {
            return ActionAvailability.notAvailable("node " + id + " is not configured");
        }
        if (node.status().isServing()) {
            return ActionAvailability.notAvailable("node " + id + " is " + node.status().text()
                    + "; online recovery rebuilds a detached node: detach it first");
        }
        if (cluster().snapshot().primaryId().equals(OptionalInt.of(id))) {
            return ActionAvailability.notAvailable("the primary cannot be recovered by online recovery");
        }
        if (cluster().snapshot().primaryId().isEmpty()) {
            return ActionAvailability.notAvailable("there is no primary to recover node " + id + " from");
        }
        if (engine.recovery().isRunning()) {
            return ActionAvailability.notAvailable("an online recovery is already running");
        }
        return ActionAvailability.available();
    }

    @Override
    public Optional<List<String>> effects(NodeAction action, PoolNode node) {
        ClusterSettings settings = cluster().settings();
        int id = node.nodeId();
        Optional<String> primary = cluster().snapshot().primary().map(p -> "node " + p.id() + " (" + p.hostname() + ":"
                + p.port() + ")");
        String current = primary.map(p -> "The current primary, " + p + ",").orElse("The current primary, if any,");
        return switch (action) {
            case PROMOTE -> Optional.of(settings.builtinFailover()
                    ? List.of("Tidepool runs pg_promote() on node " + id + ", which then accepts writes.",
                            current + " is detached; the other standbys are re-pointed at node " + id
                                    + " (primary_conninfo and a reload).")
                    : List.of("The engine records node " + id + " as the primary and detaches the others.",
                            "The server itself is not promoted (builtin_failover is off): failover_command or"
                                    + " follow_primary_command must do it, if configured."));
            case SWITCHOVER -> Optional.of(settings.builtinFailover()
                    ? List.of(current + " is made read-only; Tidepool waits until node " + id
                                    + " has replayed its last WAL, so no committed transaction is lost.",
                            "Tidepool runs pg_promote() on node " + id + "; the old primary is detached and the"
                                    + " other standbys follow node " + id + ".")
                    : List.of(current + " is detached; failover_command runs with node " + id + " as the new primary.",
                            "follow_primary_command re-points the other standbys, if configured."));
            case RECOVER -> Optional.of(List.of(
                    "Tidepool checks the node and the primary and makes a plan: pg_rewind, else a new copy with"
                            + " pg_basebackup (over SSH, as configured), or recovery_1st_stage_command where one is set.",
                    "The plan runs step by step; each step and its output appear in the events.",
                    "When the node runs again as a standby of node " + cluster().snapshot().primaryId().orElse(-1)
                            + ", it is attached. If a step fails, the node stays detached and the event says why."));
            default -> Optional.empty();
        };
    }

    @Override
    public CompletableFuture<ActionResult> perform(NodeAction action, PoolNode node) {
        ActionAvailability availability = availability(action, node);
        if (availability instanceof ActionAvailability.NotAvailable na) {
            return CompletableFuture.completedFuture(new ActionResult.NotAvailable(action, node.nodeId(), na.reason()));
        }
        int id = node.nodeId();
        String reason = "requested in the console";
        publish(ClusterEvent.ofNode(java.time.Instant.now(), ClusterEvent.Kind.ACTION, id,
                action.verb() + " node " + id + " requested", "sent to the engine in this process"));
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable send = () -> {
            try {
                CompletableFuture<Void> outcome = switch (action) {
                    case ATTACH -> cluster().attachNode(id, reason);
                    case DETACH -> cluster().detachNode(id, reason);
                    case DETACH_GRACEFULLY -> detachGracefully(id, reason);
                    case PROMOTE -> cluster().promoteNode(id, false);
                    case SWITCHOVER -> cluster().promoteNode(id, true);
                    case RECOVER -> recover(id);
                };
                outcome.whenComplete((v, t) -> {
                    if (t != null) {
                        done.completeExceptionally(t);
                    } else {
                        done.complete(null);
                    }
                });
            } catch (ClusterRequestException e) {
                done.completeExceptionally(new ClusterClientException(describe(e), e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(new ClusterClientException("interrupted while waiting for sessions to end", e));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        // A graceful detach waits for sessions and a recovery copies data: not on the thread that serves snapshots.
        (action == NodeAction.DETACH_GRACEFULLY || action == NodeAction.RECOVER ? waits : thread).execute(send);
        CompletableFuture<ActionResult> result = new CompletableFuture<>();
        result.whenComplete((r, failure) -> {
            if (failure != null) {
                publish(ClusterEvent.ofNode(java.time.Instant.now(), ClusterEvent.Kind.ACTION_FAILED, id,
                        "could not " + action.verb() + " node " + id, Errors.describe(failure)));
            }
        });
        Duration wait = action == NodeAction.RECOVER ? RECOVERY_WAIT : ACTION_WAIT;
        done.orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, failure) -> {
            if (failure == null) {
                result.complete(new ActionResult.Done(action, id, doneMessage(action, id)));
                return;
            }
            Throwable cause = Errors.unwrap(failure);
            if (cause instanceof TimeoutException) {
                result.completeExceptionally(new ClusterClientException("the engine did not finish to " + action.verb()
                        + " node " + id + " within " + wait.toSeconds() + " s; it goes on: see the events", cause));
            } else if (cause instanceof ClusterClientException c) {
                result.completeExceptionally(new ClusterClientException("could not " + action.verb() + " node " + id
                        + ": " + c.getMessage(), c.getCause()));
            } else {
                result.completeExceptionally(new ClusterClientException("could not " + action.verb() + " node " + id
                        + ": " + Errors.describe(cause), cause));
            }
        });
        return result;
    }

    /** Runs the whole online recovery on the calling (waits) thread; its steps reach the journal. */
    private CompletableFuture<Void> recover(int id) {
        try {
            engine.recovery().recover(id, RecoveryListener.none(), Cancellation.none());
            return CompletableFuture.completedFuture(null);
        } catch (RecoveryException e) {
            return CompletableFuture.failedFuture(new ClusterClientException(e.describe(), e));
        }
    }

    private CompletableFuture<Void> detachGracefully(int id, String reason) throws ClusterRequestException,
            InterruptedException {
        cluster().checkDetach(id);
        // As pcp_detach_node -g: the detach goes ahead when the wait times out.
        engine.awaitSessionsEnded(cluster().settings().recoveryTimeout());
        return cluster().detachNode(id, reason + " (graceful)");
    }

    private String doneMessage(NodeAction action, int id) {
        return switch (action) {
            case ATTACH -> "node " + id + " attached";
            case DETACH, DETACH_GRACEFULLY -> "node " + id + " detached";
            case PROMOTE, SWITCHOVER -> cluster().snapshot().primaryId().equals(OptionalInt.of(id))
                    ? "node " + id + " is the primary" : "the engine handled the promotion of node " + id + "; see the events";
            case RECOVER -> "node " + id + " recovered";
        };
    }

    @Override
    public Optional<LogFeed> logFeed() {
        return log.map(tail -> new LogFeed() {
            @Override
            public List<String> recentLines() {
                return tail.lines().stream().map(LogTail.Line::text).toList();
            }

            @Override
            public Subscription onLine(Consumer<String> listener) {
                AutoCloseable handle = tail.subscribe(line -> listener.accept(line.text()));
                return () -> closeQuietly(handle);
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.execute(() -> {
            if (engineSubscription != null) {
                closeQuietly(engineSubscription);
            }
            setStatus(ConnectionStatus.of(ConnectionState.CLOSED, "closed by the console (the engine keeps running)"));
        });
        thread.shutdown();
        waits.shutdownNow();
    }

    private ClusterCoordinator cluster() {
        return engine.cluster();
    }

    private static String describe(ClusterRequestException e) {
        return e.getMessage() + e.detail().map(d -> " (" + d + ")").orElse("");
    }

    private void setStatus(ConnectionStatus next) {
        listeners.setStatus(next);
    }

    private void publish(ClusterEvent event) {
        listeners.publish(event);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Removing a listener from a list does not fail in a way anyone could act on.
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
