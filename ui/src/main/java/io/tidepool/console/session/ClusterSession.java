package io.tidepool.console.session;

import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.ConnectionStatus;
import io.tidepool.console.client.Errors;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.Subscription;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The console's live view of one cluster: the current {@link ClusterClient}, its connection
 * status, the latest snapshot and the event history, as JavaFX properties every ViewModel reads.
 *
 * <p>Threading: properties change only through {@code ui} (the FX thread in the application,
 * the calling thread in tests). Refreshes are pulled from the client at the adjustable interval
 * by a scheduler thread that never touches a property itself; at most one refresh is in flight,
 * so a slow cluster slows the view down instead of queueing requests.
 */
public final class ClusterSession implements AutoCloseable {

    /** Bounds the event history so a flapping node cannot exhaust memory. */
    public static final int MAX_EVENTS = 5_000;
    public static final double MIN_INTERVAL_SECONDS = 0.2;
    public static final double MAX_INTERVAL_SECONDS = 60;

    private final Executor ui;
    private final ReadOnlyObjectWrapper<Optional<ClusterClient>> client = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final ReadOnlyObjectWrapper<ConnectionStatus> connection =
            new ReadOnlyObjectWrapper<>(ConnectionStatus.of(ConnectionState.CLOSED, "not connected"));
    private final ReadOnlyObjectWrapper<Optional<ClusterSnapshot>> snapshot = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final ObservableList<PoolNode> nodes = FXCollections.observableArrayList();
    private final ObservableList<ClusterEvent> events = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper lastError = new ReadOnlyStringWrapper("");
    private final DoubleProperty refreshIntervalSeconds = new SimpleDoubleProperty(1.0);
    private final BooleanProperty paused = new SimpleBooleanProperty(false);
    private final List<Consumer<ClusterSnapshot>> snapshotListeners = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();

    private volatile boolean inFlight;
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> nextTick;

    public ClusterSession(Executor ui) {
        this.ui = ui;
        refreshIntervalSeconds.addListener((obs, was, now) -> {
            double clamped = Math.max(MIN_INTERVAL_SECONDS, Math.min(MAX_INTERVAL_SECONDS, now.doubleValue()));
            if (clamped != now.doubleValue()) {
                refreshIntervalSeconds.set(clamped);
            }
        });
    }

    public Executor ui() {
        return ui;
    }

    /** Switches to {@code next}: closes the current client, subscribes, starts it, refreshes. */
    public void connect(ClusterClient next) {
        disconnect();
        subscriptions.add(next.onConnectionStatus(s -> ui.execute(() -> {
            connection.set(s);
            if (s.state() == ConnectionState.CONNECTED && !paused.get()) {
                refresh();
            }
        })));
        subscriptions.add(next.onEvent(e -> ui.execute(() -> addEvent(e))));
        client.set(Optional.of(next));
        connection.set(next.connectionStatus());
        next.start();
    }

    /** Closes the current client, if any, and clears what it showed. */
    public void disconnect() {
        subscriptions.forEach(Subscription::close);
        subscriptions.clear();
        client.get().ifPresent(ClusterClient::close);
        client.set(Optional.empty());
        connection.set(ConnectionStatus.of(ConnectionState.CLOSED, "not connected"));
        snapshot.set(Optional.empty());
        nodes.clear();
        lastError.set("");
    }

    /**
     * Reads a snapshot now, unless one is already being read. The returned future completes on
     * the ui executor after the properties were updated (with empty when skipped).
     */
    public CompletableFuture<Optional<ClusterSnapshot>> refresh() {
        Optional<ClusterClient> c = client.get();
        if (c.isEmpty() || inFlight) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        inFlight = true;
        CompletableFuture<Optional<ClusterSnapshot>> done = new CompletableFuture<>();
        ClusterClient current = c.get();
        current.snapshot().whenComplete((s, failure) -> ui.execute(() -> {
            inFlight = false;
            if (client.get().orElse(null) != current) {
                done.complete(Optional.empty()); // switched clusters meanwhile
            } else if (failure != null) {
                lastError.set(Errors.describe(failure));
                done.complete(Optional.empty());
            } else {
                apply(s);
                done.complete(Optional.of(s));
            }
        }));
        return done;
    }

    /** Starts pulling snapshots at the refresh interval on {@code timer} (a daemon scheduler). */
    public void startPolling(ScheduledExecutorService timer) {
        this.scheduler = timer;
        scheduleTick();
    }

    private void scheduleTick() {
        long millis = Math.round(refreshIntervalSeconds.get() * 1000);
        nextTick = scheduler.schedule(() -> ui.execute(() -> {
            if (!paused.get() && connection.get().state() == ConnectionState.CONNECTED) {
                refresh();
            }
            if (!scheduler.isShutdown()) {
                scheduleTick();
            }
        }), millis, TimeUnit.MILLISECONDS);
    }

    void apply(ClusterSnapshot s) {
        snapshot.set(Optional.of(s));
        nodes.setAll(s.nodes());
        lastError.set("");
        for (Consumer<ClusterSnapshot> l : List.copyOf(snapshotListeners)) {
            l.accept(s);
        }
    }

    void addEvent(ClusterEvent e) {
        events.add(e);
        if (events.size() > MAX_EVENTS) {
            events.remove(0, events.size() - MAX_EVENTS);
        }
    }

    /** Called on the ui executor after each applied snapshot, in order. */
    public void onSnapshot(Consumer<ClusterSnapshot> listener) {
        snapshotListeners.add(listener);
    }

    public ReadOnlyObjectProperty<Optional<ClusterClient>> clientProperty() {
        return client.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ConnectionStatus> connectionProperty() {
        return connection.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Optional<ClusterSnapshot>> snapshotProperty() {
        return snapshot.getReadOnlyProperty();
    }

    /** The latest snapshot's nodes, replaced as a whole on each refresh. */
    public ObservableList<PoolNode> nodes() {
        return nodes;
    }

    /** Every event since the console started, oldest first, at most {@link #MAX_EVENTS}. */
    public ObservableList<ClusterEvent> events() {
        return events;
    }

    /** The last refresh failure, empty after a successful one. */
    public ReadOnlyStringProperty lastErrorProperty() {
        return lastError.getReadOnlyProperty();
    }

    public DoubleProperty refreshIntervalSecondsProperty() {
        return refreshIntervalSeconds;
    }

    public BooleanProperty pausedProperty() {
        return paused;
    }

    @Override
    public void close() {
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        disconnect();
    }
}
