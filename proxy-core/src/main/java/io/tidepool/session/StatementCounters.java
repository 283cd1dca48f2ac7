package io.tidepool.session;

import io.tidepool.routing.StatementClassification;
import io.tidepool.routing.StatementKind;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What sessions sent to each node and what came back, since start: {@code select_cnt} of
 * SHOW pool_nodes and the columns of SHOW pool_backend_stats (spec 2.2.1, 2.2.7). Shared by
 * every session of a server; lock-free.
 */
public final class StatementCounters {
    /** Counter columns, in pool_backend_stats order. */
    public enum Column { SELECT, INSERT, UPDATE, DELETE, DDL, OTHER, PANIC, FATAL, ERROR }

    /** pgpool-II's MAX_NUM_BACKENDS: node ids run 0..127. */
    public static final int MAX_NODES = 128;
    private static final int COLUMNS = Column.values().length;
    private final int nodes;
    private final AtomicLongArray counts;

    public StatementCounters(int nodes) {
        this.nodes = Math.max(nodes, 1);
        this.counts = new AtomicLongArray(this.nodes * COLUMNS);
    }

    public long get(int node, Column column) {
        return node < 0 || node >= nodes ? 0 : counts.get(node * COLUMNS + column.ordinal());
    }

    void add(int node, Column column) {
        if (node >= 0 && node < nodes) {
            counts.incrementAndGet(node * COLUMNS + column.ordinal());
        }
    }

    /** Counts one statement sent to {@code node}. */
    void sent(int node, StatementClassification c) {
        add(node, columnOf(c));
    }

    /** A statement counted for {@code from} ran on {@code to} instead (a standby that could not be reached). */
    void moved(int from, int to, StatementClassification c) {
        Column column = columnOf(c);
        if (from >= 0 && from < nodes) {
            counts.decrementAndGet(from * COLUMNS + column.ordinal());
        }
        add(to, column);
    }

    static Column columnOf(StatementClassification c) {
        String command = c.command();
        if (c.kind() == StatementKind.READ && (command.startsWith("SELECT") || command.startsWith("VALUES")
                || command.startsWith("TABLE") || command.startsWith("WITH"))) {
            return Column.SELECT;
        }
        if (command.startsWith("INSERT")) {
            return Column.INSERT;
        }
        if (command.startsWith("UPDATE")) {
            return Column.UPDATE;
        }
        if (command.startsWith("DELETE")) {
            return Column.DELETE;
        }
        if (command.startsWith("CREATE") || command.startsWith("ALTER") || command.startsWith("DROP")
                || command.startsWith("TRUNCATE")) {
            return Column.DDL;
        }
        return Column.OTHER;
    }

    /** Counts an ErrorResponse by its severity (PANIC, FATAL, otherwise ERROR). */
    void error(int node, String severity) {
        add(node, "PANIC".equals(severity) ? Column.PANIC : "FATAL".equals(severity) ? Column.FATAL : Column.ERROR);
    }
}
