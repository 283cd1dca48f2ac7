package io.tidepool.routing;

import io.tidepool.routing.StatementClassification.Source;
import io.tidepool.routing.StatementClassification.TransactionModes;
import java.util.LinkedHashSet;
import java.util.Set;

/** Mutable accumulator the classifier fills while reading one statement; frozen by {@link #build()}. */
final class Facts {
    final String text;
    StatementKind kind = StatementKind.UNREADABLE;
    String command = "";
    boolean writes;
    boolean locking;
    boolean readsSystemCatalog;
    boolean discardsTempTables;
    TransactionModes modes = TransactionModes.NONE;
    boolean leadingWhitespace;
    boolean leadingComment;
    boolean noLoadBalanceHint;
    Source source = Source.FAST_PATH;
    String detail = "";
    // Sets are created on first use: most statements touch one or two names.
    private Set<String> readTables;
    private Set<String> writtenTables;
    private Set<String> functions;
    private Set<String> createdTempTables;
    private Set<String> droppedTables;

    Facts(String text) {
        this.text = text;
    }

    Facts kind(StatementKind k, String cmd) {
        this.kind = k;
        this.command = cmd;
        if (k == StatementKind.WRITE || k == StatementKind.UNREADABLE) {
            writes = true;
        }
        return this;
    }

    void readTable(String name) {
        if (readTables == null) {
            readTables = new LinkedHashSet<>(4);
        }
        readTables.add(name);
        if (isSystemCatalog(name)) {
            readsSystemCatalog = true;
        }
    }

    void forgetReadTable(String name) {
        if (readTables != null) {
            readTables.remove(name);
        }
    }

    void writtenTable(String name) {
        if (writtenTables == null) {
            writtenTables = new LinkedHashSet<>(2);
        }
        writtenTables.add(name);
    }

    void function(String name) {
        if (functions == null) {
            functions = new LinkedHashSet<>(4);
        }
        functions.add(name);
    }

    void createdTemp(String name) {
        if (createdTempTables == null) {
            createdTempTables = new LinkedHashSet<>(2);
        }
        createdTempTables.add(name);
    }

    void dropped(String name) {
        if (droppedTables == null) {
            droppedTables = new LinkedHashSet<>(2);
        }
        droppedTables.add(name);
    }

    Set<String> functions() {
        return functions == null ? Set.of() : functions;
    }

    Set<String> readTables() {
        return readTables == null ? Set.of() : readTables;
    }

    Set<String> writtenTables() {
        return writtenTables == null ? Set.of() : writtenTables;
    }

    Set<String> createdTempTables() {
        return createdTempTables == null ? Set.of() : createdTempTables;
    }

    Set<String> droppedTables() {
        return droppedTables == null ? Set.of() : droppedTables;
    }

    void clearFunctions() {
        functions = null;
    }

    /** Adds everything another statement's facts hold (for EXPLAIN and multi-statement strings). */
    void absorb(StatementClassification other) {
        other.readTables().forEach(this::readTable);
        other.writtenTables().forEach(this::writtenTable);
        other.functions().forEach(this::function);
        other.createdTempTables().forEach(this::createdTemp);
        other.droppedTables().forEach(this::dropped);
        locking |= other.locking();
        readsSystemCatalog |= other.readsSystemCatalog();
        discardsTempTables |= other.discardsTempTables();
    }

    StatementClassification build() {
        return new StatementClassification(text, kind, command, writes, readTables(), writtenTables(),
                functions(), locking, readsSystemCatalog, createdTempTables(), droppedTables(),
                discardsTempTables, modes, leadingWhitespace, leadingComment, noLoadBalanceHint, source, detail);
    }

    /**
     * PostgreSQL's own catalogs: anything in {@code pg_catalog} or {@code information_schema}, and
     * unqualified names starting with {@code pg_} (the catalog is first on every search_path).
     */
    static boolean isSystemCatalog(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return name.startsWith("pg_");
        }
        String schema = name.substring(0, dot);
        int innerDot = schema.lastIndexOf('.');
        if (innerDot >= 0) {
            schema = schema.substring(innerDot + 1); // database.schema.table
        }
        return schema.equals("pg_catalog") || schema.equals("information_schema");
    }
}
