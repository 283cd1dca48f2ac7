package io.tidepool.console;

import io.tidepool.console.client.ActionAvailability;
import io.tidepool.console.client.ActionResult;
import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.ClusterClientException;
import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.ConnectionStatus;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.NodeActionRules;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.Subscription;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A ClusterClient for ViewModel tests: answers snapshots from a script, records the actions it
 * was asked for, and lets the test complete them. Completes on the calling thread.
 */
public final class ScriptedClusterClient implements ClusterClient {

    private final Deque<Object> snapshots = new ArrayDeque<>();
    private final List<Consumer<ClusterEvent>> events = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConnectionStatus>> statuses = new CopyOnWriteArrayList<>();
    public final List<String> performed = new ArrayList<>();
    public final List<CompletableFuture<ActionResult>> pendingActions = new ArrayList<>();
    private ConnectionStatus status = ConnectionStatus.of(ConnectionState.CONNECTING, "");
    public boolean closed;

    public ScriptedClusterClient answer(ClusterSnapshot s) {
        snapshots.add(s);
        return this;
    }

    public ScriptedClusterClient fail(String message) {
        snapshots.add(new ClusterClientException(message));
        return this;
    }

    public void setStatus(ConnectionStatus s) {
        status = s;
        statuses.forEach(l -> l.accept(s));
    }

    public void emit(ClusterEvent e) {
        events.forEach(l -> l.accept(e));
    }

    @Override
    public ClusterClientKind kind() {
        return ClusterClientKind.REMOTE_PGPOOL;
    }

    @Override
    public String displayName() {
        return "scripted cluster";
    }

    @Override
    public void start() {
    }

    @Override
    public ConnectionStatus connectionStatus() {
        return status;
    }

    @Override
    public Subscription onConnectionStatus(Consumer<ConnectionStatus> listener) {
        statuses.add(listener);
        return () -> statuses.remove(listener);
    }

    @Override
    public CompletableFuture<ClusterSnapshot> snapshot() {
        Object next = snapshots.poll();
        if (next == null) {
            return CompletableFuture.failedFuture(new ClusterClientException("script exhausted"));
        }
        if (next instanceof ClusterClientException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture((ClusterSnapshot) next);
    }

    @Override
    public Subscription onEvent(Consumer<ClusterEvent> listener) {
        events.add(listener);
        return () -> events.remove(listener);
    }

    @Override
    public ActionAvailability availability(NodeAction action, PoolNode node) {
        return NodeActionRules.check(action, node);
    }

    @Override
    public CompletableFuture<ActionResult> perform(NodeAction action, PoolNode node) {
        ActionAvailability a = availability(action, node);
        if (a instanceof ActionAvailability.NotAvailable na) {
            return CompletableFuture.completedFuture(new ActionResult.NotAvailable(action, node.nodeId(), na.reason()));
        }
        performed.add(action + " " + node.nodeId());
        CompletableFuture<ActionResult> f = new CompletableFuture<>();
        pendingActions.add(f);
        return f;
    }

    @Override
    public void close() {
        closed = true;
    }
}
