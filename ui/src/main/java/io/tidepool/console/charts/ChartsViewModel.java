package io.tidepool.console.charts;

import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.ReplicationDelay;
import io.tidepool.console.session.ClusterSession;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Time series for the charts: reads per second per node, from the growth of {@code select_cnt}
 * between two snapshots, and replication delay per standby. Samples older than the window are
 * dropped, so memory stays flat however long the console runs.
 */
public final class ChartsViewModel {

    private final Duration window;
    private final ObservableList<SeriesModel> readRates = FXCollections.observableArrayList();
    private final ObservableList<SeriesModel> delays = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper delayUnit = new ReadOnlyStringWrapper("bytes");
    private final Map<Integer, SeriesModel> readByNode = new HashMap<>();
    private final Map<Integer, SeriesModel> delayByNode = new HashMap<>();
    private Optional<ClusterSnapshot> previous = Optional.empty();

    public ChartsViewModel(ClusterSession session, Duration window) {
        this.window = window;
        session.onSnapshot(this::update);
        session.clientProperty().addListener((obs, was, now) -> clear());
    }

    void update(ClusterSnapshot s) {
        previous.ifPresent(p -> addReadRates(p, s));
        for (PoolNode n : s.nodes()) {
            if (n.isPrimary()) {
                continue;
            }
            ReplicationDelay d = n.replicationDelay();
            delayUnit.set(d.unit() == ReplicationDelay.Unit.SECONDS ? "seconds" : "bytes");
            add(delayByNode.computeIfAbsent(n.nodeId(), id -> newSeries(delays, id, n)), s.takenAt(), d.value());
        }
        previous = Optional.of(s);
    }

    private void addReadRates(ClusterSnapshot before, ClusterSnapshot after) {
        double seconds = Duration.between(before.takenAt(), after.takenAt()).toNanos() / 1e9;
        if (seconds <= 0) {
            return;
        }
        for (PoolNode n : after.nodes()) {
            Optional<PoolNode> was = before.node(n.nodeId());
            // A smaller count means the middleware restarted; that interval has no rate.
            if (was.isEmpty() || Long.compareUnsigned(n.selectCount(), was.get().selectCount()) < 0) {
                continue;
            }
            double rate = (n.selectCount() - was.get().selectCount()) / seconds;
            add(readByNode.computeIfAbsent(n.nodeId(), id -> newSeries(readRates, id, n)), after.takenAt(), rate);
        }
    }

    private static SeriesModel newSeries(ObservableList<SeriesModel> into, int id, PoolNode n) {
        SeriesModel m = new SeriesModel(id, "node " + id + " " + n.address());
        into.add(m);
        return m;
    }

    private void add(SeriesModel series, Instant at, double value) {
        series.samples().add(new Sample(at, value));
        Instant oldest = at.minus(window);
        int drop = 0;
        while (drop < series.samples().size() && series.samples().get(drop).at().isBefore(oldest)) {
            drop++;
        }
        if (drop > 0) {
            series.samples().remove(0, drop);
        }
    }

    private void clear() {
        readRates.clear();
        delays.clear();
        readByNode.clear();
        delayByNode.clear();
        previous = Optional.empty();
    }

    public Duration window() {
        return window;
    }

    /** Reads per second, one series per node. */
    public ObservableList<SeriesModel> readRates() {
        return readRates;
    }

    /** Replication delay, one series per standby. */
    public ObservableList<SeriesModel> delays() {
        return delays;
    }

    /** {@code bytes} or {@code seconds}, as the cluster measures delay. */
    public ReadOnlyStringProperty delayUnitProperty() {
        return delayUnit.getReadOnlyProperty();
    }
}
