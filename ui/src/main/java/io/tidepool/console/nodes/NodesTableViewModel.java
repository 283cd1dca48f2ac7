package io.tidepool.console.nodes;

import io.tidepool.console.client.ConnectionStatus;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.session.ClusterSession;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.collections.ObservableList;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The live {@code SHOW pool_nodes} table: all fourteen columns, the refresh interval and pause,
 * and copying rows as tab-separated text (pastes into a spreadsheet or an issue as a table).
 */
public final class NodesTableViewModel {

    /** A column: header as pgpool-II names it and the cell text. */
    public record Column(String header, Function<PoolNode, String> text) {
    }

    /** The columns of SHOW pool_nodes in pgpool-II's order (spec 2.2.1). */
    public static final List<Column> COLUMNS = List.of(
            new Column("node_id", n -> Integer.toString(n.nodeId())),
            new Column("hostname", PoolNode::hostname),
            new Column("port", n -> Integer.toString(n.port())),
            new Column("status", n -> n.status().text()),
            new Column("pg_status", n -> n.pgStatus().text()),
            new Column("lb_weight", n -> String.format(Locale.ROOT, "%f", n.lbWeight())),
            new Column("role", n -> n.role().text()),
            new Column("pg_role", n -> n.pgRole().map(r -> r.text()).orElse("unknown")),
            new Column("select_cnt", n -> Long.toUnsignedString(n.selectCount())),
            new Column("load_balance_node", n -> Boolean.toString(n.loadBalanceNode())),
            new Column("replication_delay", n -> n.replicationDelay().pgpoolText()),
            new Column("replication_state", PoolNode::replicationState),
            new Column("replication_sync_state", PoolNode::replicationSyncState),
            new Column("last_status_change", PoolNode::lastStatusChange));

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final ClusterSession session;
    private final StringBinding statusLine;

    public NodesTableViewModel(ClusterSession session) {
        this.session = session;
        this.statusLine = Bindings.createStringBinding(() -> {
            if (!session.lastErrorProperty().get().isEmpty()) {
                return "refresh failed: " + session.lastErrorProperty().get();
            }
            return session.snapshotProperty().get()
                    .map(s -> s.nodes().size() + " nodes \u00b7 read at " + TIME.format(s.takenAt())
                            + (session.pausedProperty().get() ? " \u00b7 paused" : ""))
                    .orElse(describe(session.connectionProperty().get()));
        }, session.snapshotProperty(), session.lastErrorProperty(), session.pausedProperty(), session.connectionProperty());
    }

    private static String describe(ConnectionStatus s) {
        return s.detail().isEmpty() ? s.state().name().toLowerCase(Locale.ROOT) : s.detail();
    }

    public ObservableList<PoolNode> rows() {
        return session.nodes();
    }

    public DoubleProperty refreshIntervalSecondsProperty() {
        return session.refreshIntervalSecondsProperty();
    }

    public BooleanProperty pausedProperty() {
        return session.pausedProperty();
    }

    public void togglePaused() {
        session.pausedProperty().set(!session.pausedProperty().get());
    }

    public void refreshNow() {
        session.refresh();
    }

    public StringBinding statusLine() {
        return statusLine;
    }

    /** The rows as tab-separated text with a header line, in the order given. */
    public static String copyText(List<PoolNode> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join("\t", COLUMNS.stream().map(Column::header).toList())).append('\n');
        for (PoolNode n : rows) {
            sb.append(String.join("\t", COLUMNS.stream().map(c -> c.text().apply(n)).toList())).append('\n');
        }
        return sb.toString();
    }
}
