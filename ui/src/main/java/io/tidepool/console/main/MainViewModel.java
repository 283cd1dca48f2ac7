package io.tidepool.console.main;

import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.ConnectionStatus;
import io.tidepool.console.client.Errors;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.connections.ConnectionStore;
import io.tidepool.console.session.ClusterSession;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The main window: saved connections and the chooser, connecting, and the connection badge
 * (connected / lost / retrying, with the reason and the next attempt).
 */
public final class MainViewModel {

    private final ClusterSession session;
    private final ClusterClients clients;
    private final ConnectionStore store;
    private final Executor io;
    private final ObservableList<ConnectionProfile> profiles = FXCollections.observableArrayList();
    private final ObjectProperty<ConnectionProfile> selected = new SimpleObjectProperty<>();
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper("");
    private final StringBinding title;
    private final StringBinding connectionText;
    private final StringBinding connectionDetail;
    private final StringBinding connectionStyle;

    /**
     * @param io runs the saved-connections file reads and writes, off the FX thread (tests pass a
     *           direct executor); results come back through the session's ui executor
     */
    public MainViewModel(ClusterSession session, ClusterClients clients, ConnectionStore store, Executor io) {
        this.session = session;
        this.clients = clients;
        this.store = store;
        this.io = io;
        title = Bindings.createStringBinding(() -> session.clientProperty().get()
                .map(c -> "Tidepool \u2014 " + c.displayName()).orElse("Tidepool"), session.clientProperty());
        connectionText = Bindings.createStringBinding(() -> badge(session.connectionProperty().get(), Instant.now()),
                session.connectionProperty());
        connectionDetail = Bindings.createStringBinding(() -> describe(session.connectionProperty().get(), Instant.now()),
                session.connectionProperty());
        connectionStyle = Bindings.createStringBinding(() -> "connection-"
                + session.connectionProperty().get().state().name().toLowerCase(Locale.ROOT), session.connectionProperty());
    }

    /** Reads the saved connections in the background; a broken file is reported, not fatal. */
    public CompletableFuture<Void> loadProfiles() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return store.load();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io).handleAsync((loaded, failure) -> {
            if (failure != null) {
                notice.set(Errors.describe(failure));
                return null;
            }
            // Keep anything saved meanwhile (a connection made before the file was read).
            loaded.stream().filter(p -> profiles.stream().noneMatch(q -> q.name().equals(p.name()))).forEach(profiles::add);
            if (selected.get() == null && !profiles.isEmpty()) {
                selected.set(profiles.get(0));
            }
            return null;
        }, session.ui());
    }

    /**
     * Shows and selects {@code profile} at once (replacing one of the same name) and saves the
     * list in the background; a failed save is reported, the connection stays usable.
     */
    public CompletableFuture<Void> saveProfile(ConnectionProfile profile) {
        profiles.removeIf(p -> p.name().equals(profile.name()));
        profiles.add(profile);
        selected.set(profile);
        return CompletableFuture.runAsync(() -> {
            try {
                store.upsert(profile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io).exceptionallyAsync(failure -> {
            notice.set("could not save the connection: " + Errors.describe(failure));
            return null;
        }, session.ui());
    }

    /** Connects to the selected profile. Returns at once; progress shows in the badge. */
    public boolean connectSelected(Optional<String> password, Optional<String> pcpPassword) {
        ConnectionProfile p = selected.get();
        if (p == null) {
            notice.set("choose or add a connection first");
            return false;
        }
        return connect(p, password, pcpPassword);
    }

    public boolean connect(ConnectionProfile profile, Optional<String> password, Optional<String> pcpPassword) {
        try {
            ClusterClient client = clients.open(profile, password, pcpPassword);
            notice.set("");
            session.connect(client);
            return true;
        } catch (RuntimeException e) {
            notice.set(Errors.describe(e));
            return false;
        }
    }

    public void disconnect() {
        session.disconnect();
    }

    /** Short badge text: the state, and for a lost connection when the next attempt starts. */
    static String badge(ConnectionStatus s, Instant now) {
        return switch (s.state()) {
            case CONNECTING -> "connecting";
            case CONNECTED -> "connected";
            case LOST -> "connection lost" + s.nextAttempt().map(t -> String.format(Locale.ROOT, " \u00b7 retrying in %.1f s",
                    Math.max(0, Duration.between(now, t).toMillis()) / 1000.0)).orElse("");
            case RETRYING -> "retrying (attempt " + (s.failures() + 1) + ")";
            case CLOSED -> "not connected";
        };
    }

    /** The state with its reason, for the status line and the badge's tooltip. */
    static String describe(ConnectionStatus s, Instant now) {
        String base = switch (s.state()) {
            case CONNECTING -> "connecting";
            case CONNECTED -> "connected";
            case LOST -> "connection lost";
            case RETRYING -> "retrying (attempt " + (s.failures() + 1) + ")";
            case CLOSED -> "not connected";
        };
        if (s.state() == ConnectionState.LOST) {
            String when = s.nextAttempt().map(t -> {
                long ms = Math.max(0, Duration.between(now, t).toMillis());
                return "; retrying in " + String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
            }).orElse("");
            return base + ": " + s.detail() + when;
        }
        return base;
    }

    public ClusterSession session() {
        return session;
    }

    public ObservableList<ConnectionProfile> profiles() {
        return profiles;
    }

    public ObjectProperty<ConnectionProfile> selectedProperty() {
        return selected;
    }

    /** A problem to show above the views (could not connect, could not save), or empty. */
    public ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    public StringBinding titleBinding() {
        return title;
    }

    /** Short text for the connection badge. */
    public StringBinding connectionTextBinding() {
        return connectionText;
    }

    /** The connection state with its reason. */
    public StringBinding connectionDetailBinding() {
        return connectionDetail;
    }

    /** CSS class of the connection badge: {@code connection-connected}, {@code connection-lost}, ... */
    public StringBinding connectionStyleBinding() {
        return connectionStyle;
    }
}
