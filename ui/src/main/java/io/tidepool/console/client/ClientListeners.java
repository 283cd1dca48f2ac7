package io.tidepool.console.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listener side every {@link ClusterClient} shares: the current connection status, and the
 * status and event listeners it is delivered to. Thread-safe; deliveries run on the caller's
 * thread, in registration order.
 */
public final class ClientListeners {

    private final List<Consumer<ClusterEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConnectionStatus>> statusListeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionStatus status = ConnectionStatus.of(ConnectionState.CONNECTING, "not started");

    /** The status last set, {@code CONNECTING "not started"} before the first. */
    public ConnectionStatus status() {
        return status;
    }

    /** Records {@code next} as the current status and tells every status listener. */
    public void setStatus(ConnectionStatus next) {
        status = next;
        for (Consumer<ConnectionStatus> l : statusListeners) {
            l.accept(next);
        }
    }

    /** Tells every event listener about {@code event}. */
    public void publish(ClusterEvent event) {
        for (Consumer<ClusterEvent> l : eventListeners) {
            l.accept(event);
        }
    }

    public Subscription onConnectionStatus(Consumer<ConnectionStatus> listener) {
        statusListeners.add(listener);
        return () -> statusListeners.remove(listener);
    }

    public Subscription onEvent(Consumer<ClusterEvent> listener) {
        eventListeners.add(listener);
        return () -> eventListeners.remove(listener);
    }
}
