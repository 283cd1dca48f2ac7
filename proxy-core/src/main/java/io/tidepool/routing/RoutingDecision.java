package io.tidepool.routing;

import java.util.List;
import java.util.Set;

/**
 * Where one statement goes and why. {@link #rule()} is the rule that decided, in words a DBA
 * recognises (it is what {@code PGPOOL EXPLAIN ROUTING} prints); {@link #notes()} carry the
 * other facts that shaped the choice, such as a standby left out for its replication delay.
 *
 * @param target           kind of destination
 * @param nodeIds          the node(s) to send to: one for PRIMARY and LOAD_BALANCE_NODE, every
 *                         node the session uses for SESSION_NODES, none for NO_NODE
 * @param rule             the deciding rule
 * @param notes            further facts, each about a node or the whole decision (node id -1)
 * @param loadBalanceNode  the session's load-balance node after this decision (-1 if none chosen yet)
 * @param pendingFunctions functions whose volatility was not known yet (the statement went to the primary)
 * @param pendingRelations relations whose persistence was not known yet (the statement went to the primary)
 * @param countsAsWrite    the statement counts as a write for disable_load_balance_on_write: a writing
 *                         statement, or a read calling a function that writes (or may: volatility unknown)
 */
public record RoutingDecision(Target target, List<Integer> nodeIds, String rule, List<Note> notes,
                              int loadBalanceNode, Set<String> pendingFunctions, Set<String> pendingRelations,
                              boolean countsAsWrite) {

    /** Kind of destination. */
    public enum Target {
        /** The primary, because a rule says so. */
        PRIMARY,
        /** The node load balancing chose (which may be the primary). */
        LOAD_BALANCE_NODE,
        /** Every node the session uses (SET, SAVEPOINT, BEGIN, COMMIT, ...). */
        SESSION_NODES,
        /** No usable node: the session answers with an error. */
        NO_NODE
    }

    /** A fact about one node ({@code nodeId >= 0}) or about the decision ({@code nodeId == -1}). */
    public record Note(int nodeId, String text) {
    }

    public RoutingDecision {
        nodeIds = ImmutableCopies.list(nodeIds);
        notes = ImmutableCopies.list(notes);
        pendingFunctions = ImmutableCopies.set(pendingFunctions);
        pendingRelations = ImmutableCopies.set(pendingRelations);
    }

    /** The first destination node, or -1 for NO_NODE. */
    public int nodeId() {
        return nodeIds.isEmpty() ? -1 : nodeIds.get(0);
    }

    /** True when the primary was chosen only because a catalog answer was still missing. */
    public boolean hasPendingLookups() {
        return !pendingFunctions.isEmpty() || !pendingRelations.isEmpty();
    }
}
