package io.tidepool.session;

import io.tidepool.routing.StatementClassification;
import io.tidepool.routing.StatementKind;

import java.util.concurrent.atomic.LongAdder;

/**
 * What sessions sent to each node and what came back, since start: {@code select_cnt} of
 * SHOW pool_nodes and the columns of SHOW pool_backend_stats (spec 2.2.1, 2.2.7). Shared by
 * every session of a server and counted on every statement, so each counter is a
 * {@link LongAdder}: the event loops count into cells of their own instead of bouncing one
 * cache line between CPUs; a SHOW sums the cells.
 */
public final class StatementCounters {
    /** Counter columns, in pool_backend_stats order. */
    public enum Column { SELECT, INSERT, UPDATE, DELETE, DDL, OTHER, PANIC, FATAL, ERROR }

    /** pgpool-II's MAX_NUM_BACKENDS: node ids run 0..127. */
    public static final int MAX_NODES = 128;
    private static final int COLUMNS = Column.values().length;
    private final int nodes;
    private final LongAdder[] counts;

    public StatementCounters(int nodes) {
        this.nodes = Math.max(nodes, 1);
        this.counts = new LongAdder[this.nodes * COLUMNS];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public long get(int node, Column column) {
        return node < 0 || node >= nodes ? 0 : counts[node * COLUMNS + column.ordinal()].sum();
    }

    void add(int node, Column column) {
        if (node >= 0 && node < nodes) {
            counts[node * COLUMNS + column.ordinal()].increment();
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
            counts[from * COLUMNS + column.ordinal()].decrement();
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
