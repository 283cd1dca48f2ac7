package io.tidepool.console.watchdog;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The watchdog panel. Tidepool's Raft-based watchdog does not exist yet, and the console does not
 * read pgpool-II's watchdog either, so the panel says so plainly instead of showing nothing.
 */
public final class WatchdogViewModel {

    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("watchdog not configured");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(
            "No watchdog is known for this cluster. When one is configured, this panel shows the leader,"
                    + " the quorum, each member's state and who holds the virtual IP.");

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }
}
