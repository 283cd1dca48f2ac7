package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.tidepool.routing.StatementClassification;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The session's prepared statements and portals, across nodes (DESIGN hard part 3). A statement
 * keeps a copy of its Parse message so that a node that later needs it (a Bind routed elsewhere,
 * a node opened after the Parse) gets it replayed; a portal remembers the nodes its Bind went to,
 * where its Describe, Execute and Close must follow.
 *
 * <p>Buffer ownership: every {@link Statement#parse} is owned here and released when the
 * statement is replaced, closed, or the session ends ({@link #clear}).
 */
final class PreparedStatements {

    /** A prepared statement; {@code admin} is set (and {@code parse} null) for one the proxy answers itself. */
    static final class Statement {
        final String name;
        final ByteBuf parse;
        final StatementClassification classification;
        final AdminCommand admin;
        /** Nodes that received this Parse (and did not close it), by id. */
        final BitSet nodes = new BitSet();
        /** Where the Parse was routed: Describe goes to the first, a Bind of the unnamed statement to all. */
        List<Integer> routedTo = List.of();

        Statement(String name, ByteBuf parse, StatementClassification classification, AdminCommand admin) {
            this.name = name;
            this.parse = parse;
            this.classification = classification;
            this.admin = admin;
        }

        private void release() {
            if (parse != null) {
                parse.release();
            }
        }
    }

    /** A portal: the nodes its Bind went to, the first being the one whose answers the client sees. */
    record Portal(String name, List<Integer> nodes, Statement statement) {
    }

    /** Bound on named statements per session: a leaking client gets an error, not an OOM. */
    static final int MAX_STATEMENTS = 10_000;

    // The unnamed statement and portal are replaced by nearly every Parse and Bind (pgJDBC's
    // one-shot statements, pgbench -M extended): kept in fields, they cost no hashing.
    private Statement unnamed;
    private Portal unnamedPortal;
    private final Map<String, Statement> named = new HashMap<>();
    private final Map<String, Portal> namedPortals = new HashMap<>();

    /** Registers a statement, releasing the one it replaces (the unnamed one is replaced by every Parse). */
    void put(Statement statement) {
        Statement old;
        if (statement.name.isEmpty()) {
            old = unnamed;
            unnamed = statement;
        } else {
            old = named.put(statement.name, statement);
        }
        if (old != null) {
            old.release();
        }
    }

    /** Whether no further named statement fits. */
    boolean isFull() {
        return named.size() >= MAX_STATEMENTS;
    }

    /** The statement called {@code name}, or null. */
    Statement statement(String name) {
        return name.isEmpty() ? unnamed : named.get(name);
    }

    /** Removes the statement called {@code name}; returns it, or null when there was none. */
    Statement closeStatement(String name) {
        Statement s;
        if (name.isEmpty()) {
            s = unnamed;
            unnamed = null;
        } else {
            s = named.remove(name);
        }
        if (s != null) {
            s.release();
        }
        return s;
    }

    /**
     * Records a portal. Portals are not dropped at a transaction's end: the ReadyForQuery that says
     * so may arrive after the client has already bound the next ones; every Bind replaces its name.
     */
    void putPortal(Portal portal) {
        if (portal.name().isEmpty()) {
            unnamedPortal = portal;
        } else {
            namedPortals.put(portal.name(), portal);
        }
    }

    /** The portal called {@code name}, or null. */
    Portal portal(String name) {
        return name.isEmpty() ? unnamedPortal : namedPortals.get(name);
    }

    /** Removes the portal called {@code name}; returns it, or null when there was none. */
    Portal closePortal(String name) {
        if (name.isEmpty()) {
            Portal p = unnamedPortal;
            unnamedPortal = null;
            return p;
        }
        return namedPortals.remove(name);
    }

    /** A node left the session: its copies of the statements are gone with it. */
    void nodeLost(int node) {
        for (Statement s : all()) {
            s.nodes.clear(node);
        }
    }

    /** DISCARD ALL / DEALLOCATE ALL ran: named statements are gone everywhere (the unnamed one is kept). */
    void forgetNamed() {
        for (Statement s : named.values()) {
            s.release();
        }
        named.clear();
    }

    /** Every statement, the unnamed one first. */
    List<Statement> all() {
        List<Statement> out = new ArrayList<>(named.size() + 1);
        if (unnamed != null) {
            out.add(unnamed);
        }
        out.addAll(named.values());
        return out;
    }

    void clear() {
        for (Statement s : all()) {
            s.release();
        }
        unnamed = null;
        named.clear();
        unnamedPortal = null;
        namedPortals.clear();
    }
}
