package io.tidepool.console.events;

import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.session.ClusterSession;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The events timeline, newest first, filterable by words and by kind; and the place of the
 * proxy log tail, which only the embedded engine can fill (a remote peer's log stays on its host).
 */
public final class EventsViewModel {

    /** An entry of the kind filter; empty kind means every kind. */
    public record KindChoice(Optional<ClusterEvent.Kind> kind) {
        public static final KindChoice ALL = new KindChoice(Optional.empty());

        @Override
        public String toString() {
            return kind.map(ClusterEvent.Kind::label).orElse("all kinds");
        }
    }

    private final ObservableList<ClusterEvent> newestFirst = FXCollections.observableArrayList();
    private final FilteredList<ClusterEvent> visible = new FilteredList<>(newestFirst);
    private final StringProperty filterText = new SimpleStringProperty("");
    private final ObjectProperty<KindChoice> kindFilter = new SimpleObjectProperty<>(KindChoice.ALL);
    private final ObservableList<KindChoice> kindChoices;
    private final ObservableList<String> logLines = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper logNote = new ReadOnlyStringWrapper("");

    public EventsViewModel(ClusterSession session) {
        List<KindChoice> choices = new ArrayList<>();
        choices.add(KindChoice.ALL);
        for (ClusterEvent.Kind k : ClusterEvent.Kind.values()) {
            choices.add(new KindChoice(Optional.of(k)));
        }
        kindChoices = FXCollections.observableList(choices);
        newestFirst.setAll(reversed(session.events()));
        session.events().addListener((javafx.collections.ListChangeListener<ClusterEvent>) change -> {
            // The session only appends and trims the head; mirror that newest-first.
            newestFirst.setAll(reversed(session.events()));
        });
        filterText.addListener((o, was, now) -> applyFilter());
        kindFilter.addListener((o, was, now) -> applyFilter());
        session.clientProperty().addListener((o, was, now) -> logNote.set(noteFor(now.map(c -> c.kind()))));
        logNote.set(noteFor(Optional.empty()));
    }

    private static List<ClusterEvent> reversed(List<ClusterEvent> events) {
        List<ClusterEvent> copy = new ArrayList<>(events);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static String noteFor(Optional<ClusterClientKind> kind) {
        if (kind.isEmpty()) {
            return "Not connected.";
        }
        return switch (kind.get()) {
            case EMBEDDED_ENGINE -> "";
            case REMOTE_PGPOOL -> "pgpool-II's log stays on its server; the proxy log tail is shown for the embedded engine.";
            case REMOTE_TIDEPOOL -> "The remote proxy's log tail is not available yet.";
        };
    }

    private void applyFilter() {
        String words = filterText.get() == null ? "" : filterText.get().trim().toLowerCase(Locale.ROOT);
        Optional<ClusterEvent.Kind> kind = kindFilter.get() == null ? Optional.empty() : kindFilter.get().kind();
        visible.setPredicate(e -> kind.map(k -> k == e.kind()).orElse(true)
                && (words.isEmpty()
                || e.message().toLowerCase(Locale.ROOT).contains(words)
                || e.detail().toLowerCase(Locale.ROOT).contains(words)
                || e.kind().label().contains(words)));
    }

    /** The events that pass the filters, newest first. */
    public ObservableList<ClusterEvent> visibleEvents() {
        return visible;
    }

    public StringProperty filterTextProperty() {
        return filterText;
    }

    public ObjectProperty<KindChoice> kindFilterProperty() {
        return kindFilter;
    }

    public ObservableList<KindChoice> kindChoices() {
        return kindChoices;
    }

    /** Proxy log lines, for the embedded engine; empty otherwise. */
    public ObservableList<String> logLines() {
        return logLines;
    }

    /** Why the log tail is empty, or empty when it is live. */
    public ReadOnlyStringProperty logNoteProperty() {
        return logNote.getReadOnlyProperty();
    }
}
