package io.tidepool.console.client.pgpool;

import io.tidepool.console.client.LiveStatus;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.client.ReplicationDelay;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the rows of {@code SHOW pool_nodes} into {@link PoolNode}s (spec 2.2.1). Columns are
 * found by name, so 4.2's twelve-column form (no {@code pg_status}, {@code pg_role}) reads too,
 * with the live fields unknown. Every value arrives as text.
 */
public final class PoolNodesReader {

    /** pgpool-II answers SHOW only in the simple query protocol (spec 2.1). */
    public static final String QUERY = "SHOW pool_nodes";

    private static final List<String> REQUIRED = List.of("node_id", "hostname", "port", "status", "lb_weight", "role");

    private PoolNodesReader() {
    }

    public static List<PoolNode> read(ResultSet rs) throws SQLException {
        Map<String, Integer> columns = columnIndex(rs.getMetaData());
        for (String name : REQUIRED) {
            if (!columns.containsKey(name)) {
                throw new SQLException("SHOW pool_nodes answered without column '" + name + "'; columns were " + columns.keySet());
            }
        }
        List<PoolNode> nodes = new ArrayList<>();
        while (rs.next()) {
            nodes.add(row(new Row(rs, columns)));
        }
        return nodes;
    }

    /** Maps one row given as column name to text, the way a test or another reader has it. */
    public static PoolNode fromColumns(Map<String, String> values) {
        return row(name -> Optional.ofNullable(values.get(name)));
    }

    @FunctionalInterface
    private interface Values {
        Optional<String> get(String column) throws SQLException;

        default String text(String column) throws SQLException {
            return get(column).orElse("");
        }
    }

    private record Row(ResultSet rs, Map<String, Integer> columns) implements Values {
        @Override
        public Optional<String> get(String column) throws SQLException {
            Integer i = columns.get(column);
            return i == null ? Optional.empty() : Optional.ofNullable(rs.getString(i));
        }
    }

    private static PoolNode row(Values v) {
        try {
            return new PoolNode(
                    parseInt("node_id", v.text("node_id")),
                    v.text("hostname"),
                    parseInt("port", v.text("port")),
                    PoolNodeStatus.fromText(v.text("status")),
                    LiveStatus.fromText(v.text("pg_status")),
                    parseDouble("lb_weight", v.text("lb_weight")),
                    PoolNode.parseRole(v.text("role")),
                    v.get("pg_role").flatMap(PoolNode::parseLiveRole),
                    v.get("select_cnt").filter(s -> !s.isBlank()).map(s -> parseUnsigned("select_cnt", s)).orElse(0L),
                    "true".equals(v.text("load_balance_node").trim().toLowerCase(Locale.ROOT)),
                    ReplicationDelay.parse(v.text("replication_delay")),
                    v.text("replication_state"),
                    v.text("replication_sync_state"),
                    v.text("last_status_change"));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a SHOW pool_nodes row: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> columnIndex(ResultSetMetaData md) throws SQLException {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            index.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), i);
        }
        return index;
    }

    private static int parseInt(String column, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " holds '" + text + "', not an integer", e);
        }
    }

    private static long parseUnsigned(String column, String text) {
        try {
            return Long.parseUnsignedLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " holds '" + text + "', not a count", e);
        }
    }

    private static double parseDouble(String column, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " holds '" + text + "', not a number", e);
        }
    }
}
