package io.tidepool.routing;

import java.util.HashSet;
import java.util.Set;

/**
 * What routing remembers about one client session. Immutable: the session holds the current
 * value (on its event loop) and replaces it after each statement ({@link Router#afterStatement})
 * and each ReadyForQuery ({@link #onReadyForQuery}). Transitions that change nothing return the
 * same instance, so the common read costs no allocation.
 *
 * @param database                      database from the startup packet
 * @param user                          user from the startup packet
 * @param applicationName               application_name from the startup packet ("" if none); pgpool-II
 *                                      ignores later SET application_name for routing, and so do we
 * @param transactionStatus             from the last ReadyForQuery (the primary's)
 * @param loadBalanceNode               the session's load-balance node, -1 before the first choice
 * @param nodesInUse                    nodes that have received statements of this session
 * @param writeInTransaction            a writing statement ran in the current explicit transaction
 * @param writeInSession                a writing statement ran at some point in this session
 * @param modifiedInTransaction         objects written in the current explicit transaction, with
 *                                      their dependents (dml_adaptive)
 * @param tempTables                    temporary tables this session created and has not dropped
 * @param tempTablesAtTransactionStart  {@code tempTables} when the current transaction began (restored on rollback)
 * @param transactionSerializable       the current transaction is SERIALIZABLE
 * @param transactionReadWrite          the current transaction was declared READ WRITE
 * @param sessionSerializable           default_transaction_isolation is serializable for this session
 * @param rollbackPending               ROLLBACK was sent; the next idle ReadyForQuery ends a rolled-back transaction
 * @param loadBalanceRule               the rule of a read sent to the session's node, saying how that node was
 *                                      chosen (EXPLAIN ROUTING shows it), "" before the first choice; built
 *                                      once per choice, not per statement
 */
public record SessionRoutingState(
        String database,
        String user,
        String applicationName,
        TransactionStatus transactionStatus,
        int loadBalanceNode,
        Set<Integer> nodesInUse,
        boolean writeInTransaction,
        boolean writeInSession,
        Set<String> modifiedInTransaction,
        Set<String> tempTables,
        Set<String> tempTablesAtTransactionStart,
        boolean transactionSerializable,
        boolean transactionReadWrite,
        boolean sessionSerializable,
        boolean rollbackPending,
        String loadBalanceRule) {

    public SessionRoutingState {
        nodesInUse = Set.copyOf(nodesInUse);
        modifiedInTransaction = Set.copyOf(modifiedInTransaction);
        tempTables = Set.copyOf(tempTables);
        tempTablesAtTransactionStart = Set.copyOf(tempTablesAtTransactionStart);
        applicationName = applicationName == null ? "" : applicationName;
        loadBalanceRule = loadBalanceRule == null ? "" : loadBalanceRule;
    }

    /** A new session, idle, nothing used yet. */
    public static SessionRoutingState start(String database, String user, String applicationName) {
        return new SessionRoutingState(database, user, applicationName, TransactionStatus.IDLE, -1, Set.of(),
                false, false, Set.of(), Set.of(), Set.of(), false, false, false, false, "");
    }

    /**
     * Applies a ReadyForQuery. Leaving a transaction clears what was scoped to it; leaving a failed
     * or rolled-back one also forgets the temporary tables it created (and restores those it dropped).
     */
    public SessionRoutingState onReadyForQuery(TransactionStatus status) {
        TransactionStatus previous = transactionStatus;
        if (status == previous && !(status == TransactionStatus.IDLE && rollbackPending)) {
            return this;
        }
        if (status == TransactionStatus.IDLE) {
            boolean rolledBack = previous == TransactionStatus.FAILED || rollbackPending;
            Set<String> temps = rolledBack && previous != TransactionStatus.IDLE ? tempTablesAtTransactionStart : tempTables;
            return new SessionRoutingState(database, user, applicationName, status, loadBalanceNode, nodesInUse,
                    false, writeInSession, Set.of(), temps, temps, false, false, sessionSerializable, false, loadBalanceRule);
        }
        if (previous == TransactionStatus.IDLE) {
            // entering a transaction: remember the temp tables to restore if it rolls back
            return new SessionRoutingState(database, user, applicationName, status, loadBalanceNode, nodesInUse,
                    writeInTransaction, writeInSession, modifiedInTransaction, tempTables, tempTables,
                    transactionSerializable || sessionSerializable, transactionReadWrite, sessionSerializable, false,
                    loadBalanceRule);
        }
        return withStatus(status);
    }

    private SessionRoutingState withStatus(TransactionStatus status) {
        return new SessionRoutingState(database, user, applicationName, status, loadBalanceNode, nodesInUse,
                writeInTransaction, writeInSession, modifiedInTransaction, tempTables, tempTablesAtTransactionStart,
                transactionSerializable, transactionReadWrite, sessionSerializable, rollbackPending, loadBalanceRule);
    }

    /** The session's load-balance node and how it was chosen (see {@link Router#chooseLoadBalanceNode}). */
    public SessionRoutingState withLoadBalanceNode(int node, String rule) {
        String readRule = sessionNodeRule(node, rule);
        if (node == loadBalanceNode && readRule.equals(loadBalanceRule)) {
            return this;
        }
        return new SessionRoutingState(database, user, applicationName, transactionStatus, node, nodesInUse,
                writeInTransaction, writeInSession, modifiedInTransaction, tempTables, tempTablesAtTransactionStart,
                transactionSerializable, transactionReadWrite, sessionSerializable, rollbackPending, readRule);
    }

    /** The rule of a read on the session's node {@code node}, which {@code how} chose. */
    static String sessionNodeRule(int node, String how) {
        return "load balance: session's node " + node + " (chosen at session start by " + how + ")";
    }

    SessionRoutingState withRollbackPending() {
        return new SessionRoutingState(database, user, applicationName, transactionStatus, loadBalanceNode, nodesInUse,
                writeInTransaction, writeInSession, modifiedInTransaction, tempTables, tempTablesAtTransactionStart,
                transactionSerializable, transactionReadWrite, sessionSerializable, true, loadBalanceRule);
    }

    /**
     * A copy with {@code nodes} added to the nodes in use (same instance when none is new). The
     * router calls it for every decision; the session calls it when it opens a node on its own
     * (replaying a Parse, for instance), so that later SET and SAVEPOINT reach that node too.
     */
    public SessionRoutingState usingNodes(Iterable<Integer> nodes) {
        Set<Integer> added = null;
        for (Integer n : nodes) {
            if (!nodesInUse.contains(n)) {
                if (added == null) {
                    added = new HashSet<>(nodesInUse);
                }
                added.add(n);
            }
        }
        if (added == null) {
            return this;
        }
        return new SessionRoutingState(database, user, applicationName, transactionStatus, loadBalanceNode, added,
                writeInTransaction, writeInSession, modifiedInTransaction, tempTables, tempTablesAtTransactionStart,
                transactionSerializable, transactionReadWrite, sessionSerializable, rollbackPending, loadBalanceRule);
    }
}
