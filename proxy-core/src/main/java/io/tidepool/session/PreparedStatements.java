package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.tidepool.routing.StatementClassification;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        /** Nodes that received this Parse (and did not close it). */
        final Set<Integer> nodes = new HashSet<>();
        /** Where the Parse was routed: Describe goes to the first, a Bind of the unnamed statement to all. */
        List<Integer> routedTo = List.of();

        Statement(String name, ByteBuf parse, StatementClassification classification, AdminCommand admin) {
            this.name = name;
            this.parse = parse;
            this.classification = classification;
            this.admin = admin;
        }
    }

    /** A portal: the nodes its Bind went to, the first being the one whose answers the client sees. */
    record Portal(String name, List<Integer> nodes, Statement statement) {
    }

    /** Bound on named statements per session: a leaking client gets an error, not an OOM. */
    static final int MAX_STATEMENTS = 10_000;

    private final Map<String, Statement> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();

    /** Registers a statement, releasing the one it replaces (the unnamed one is replaced by every Parse). */
    void put(Statement statement) {
        Statement old = statements.put(statement.name, statement);
        if (old != null && old.parse != null) {
            old.parse.release();
        }
    }

    boolean isFull() {
        return statements.size() >= MAX_STATEMENTS;
    }

    Optional<Statement> statement(String name) {
        return Optional.ofNullable(statements.get(name));
    }

    Optional<Statement> closeStatement(String name) {
        Statement s = statements.remove(name);
        if (s != null && s.parse != null) {
            s.parse.release();
        }
        return Optional.ofNullable(s);
    }

    /**
     * Records a portal. Portals are not dropped at a transaction's end: the ReadyForQuery that says
     * so may arrive after the client has already bound the next ones; every Bind replaces its name.
     */
    void putPortal(Portal portal) {
        portals.put(portal.name(), portal);
    }

    Optional<Portal> portal(String name) {
        return Optional.ofNullable(portals.get(name));
    }

    Optional<Portal> closePortal(String name) {
        return Optional.ofNullable(portals.remove(name));
    }

    /** A node left the session: its copies of the statements are gone with it. */
    void nodeLost(int node) {
        for (Statement s : statements.values()) {
            s.nodes.remove(node);
        }
    }

    /** DISCARD ALL / DEALLOCATE ALL ran: named statements are gone everywhere (the unnamed one is kept). */
    void forgetNamed() {
        statements.values().removeIf(s -> {
            if (s.name.isEmpty()) {
                return false;
            }
            if (s.parse != null) {
                s.parse.release();
            }
            return true;
        });
    }

    List<Statement> all() {
        return new ArrayList<>(statements.values());
    }

    void clear() {
        for (Statement s : statements.values()) {
            if (s.parse != null) {
                s.parse.release();
            }
        }
        statements.clear();
        portals.clear();
    }
}
