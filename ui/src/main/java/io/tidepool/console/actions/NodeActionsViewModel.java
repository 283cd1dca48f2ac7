package io.tidepool.console.actions;

import io.tidepool.console.client.ActionAvailability;
import io.tidepool.console.client.ActionResult;
import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.ClusterClientException;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.session.ClusterSession;
import io.tidepool.console.session.ConsoleTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Node actions for the card and table menus: which are offered, what each will do (the plan
 * the confirmation dialog shows), and running one as a {@link ConsoleTask}.
 */
public final class NodeActionsViewModel {

    private final ClusterSession session;

    public NodeActionsViewModel(ClusterSession session) {
        this.session = session;
    }

    /** Every action, in menu order, each enabled or disabled with its reason. */
    public List<ActionChoice> choicesFor(PoolNode node) {
        Optional<ClusterClient> client = session.clientProperty().get();
        List<ActionChoice> choices = new ArrayList<>();
        for (NodeAction a : NodeAction.values()) {
            ActionAvailability av = client.map(c -> c.availability(a, node))
                    .orElse(ActionAvailability.notAvailable("not connected"));
            choices.add(av instanceof ActionAvailability.NotAvailable na
                    ? new ActionChoice(a, false, Optional.of(na.reason()))
                    : new ActionChoice(a, true, Optional.empty()));
        }
        return choices;
    }

    /** The plan for {@code action} on {@code node}, in the words of the current cluster. */
    public ActionPlan plan(NodeAction action, PoolNode node) {
        String target = "node " + node.nodeId() + " (" + node.address() + ", " + node.role().text() + ")";
        String via = session.clientProperty().get().map(ClusterClient::displayName).orElse("the cluster");
        Optional<PoolNode> primary = session.snapshotProperty().get().flatMap(ClusterSnapshot::primary);
        return switch (action) {
            case ATTACH -> new ActionPlan(action, node, "Attach node " + node.nodeId(),
                    "Attach " + target + " to " + via + ".",
                    List.of("The node is marked up again and receives queries by its weight ("
                                    + String.format(java.util.Locale.ROOT, "%.2f", node.lbWeight()) + ").",
                            "Nothing is done to the PostgreSQL server itself: it must already be running and replicating."),
                    node.pgStatus() == io.tidepool.console.client.LiveStatus.DOWN
                            ? "The last health check found this server not answering; attaching it now may fail over again."
                            : "",
                    "Attach");
            case DETACH -> new ActionPlan(action, node, "Detach node " + node.nodeId(),
                    "Detach " + target + " from " + via + " now.",
                    detachEffects(node, false),
                    node.isPrimary()
                            ? "This node is the primary: detaching it starts a failover, and writes fail until a standby is promoted."
                            : "",
                    "Detach");
            case DETACH_GRACEFULLY -> new ActionPlan(action, node, "Detach node " + node.nodeId() + " gracefully",
                    "Detach " + target + " from " + via + " once its client sessions have ended.",
                    detachEffects(node, true),
                    node.isPrimary()
                            ? "This node is the primary: detaching it starts a failover, and writes fail until a standby is promoted."
                            : "",
                    "Detach gracefully");
            case PROMOTE -> new ActionPlan(action, node, "Promote node " + node.nodeId(),
                    "Make " + target + " the primary of " + via + ".",
                    List.of("The middleware records node " + node.nodeId() + " as the primary.",
                            primary.map(p -> "The current primary, node " + p.nodeId() + " (" + p.address()
                                    + "), and the other standbys are detached; follow_primary_command runs if configured.")
                                    .orElse("The other nodes are detached; follow_primary_command runs if configured."),
                            "pgpool-II does not run pg_promote() itself here: the server is promoted only if the"
                                    + " failover or follow-primary scripts do it."),
                    "Writes go to the new primary from now on. Make sure it has replayed all the WAL you need.",
                    "Promote");
            case SWITCHOVER -> new ActionPlan(action, node, "Switch over to node " + node.nodeId(),
                    "Demote the current primary and make " + target + " the primary.",
                    List.of(primary.map(p -> "The current primary, node " + p.nodeId() + " (" + p.address()
                                    + "), is detached; failover_command runs for it with node " + node.nodeId() + " as the new primary.")
                                    .orElse("The current primary is detached; failover_command runs with this node as the new primary."),
                            "follow_primary_command re-points the other standbys, if configured."),
                    "Sessions on the old primary are cut; clients reconnect to the new one.",
                    "Switch over");
            case RECOVER -> new ActionPlan(action, node, "Recover node " + node.nodeId(),
                    "Recover " + target + ".",
                    List.of(io.tidepool.console.client.NodeActionRules.RECOVERY_NOT_AVAILABLE + "."),
                    "", "Recover");
        };
    }

    private static List<String> detachEffects(PoolNode node, boolean graceful) {
        List<String> effects = new ArrayList<>();
        if (graceful) {
            effects.add("New client connections wait while existing sessions finish (up to the middleware's recovery_timeout).");
        }
        effects.add("The node is marked down: no more queries are sent to it"
                + (node.isPrimary() ? " and failover_command runs." : "; sessions reading from it move to other nodes."));
        effects.add("The PostgreSQL server keeps running; attach it again to bring it back.");
        return effects;
    }

    /**
     * Sends the action and tracks it. A refused or unavailable action ends the task as FAILED
     * with the reason; the cluster is refreshed when the task ends, whatever the outcome.
     */
    public ConsoleTask<ActionResult> run(NodeAction action, PoolNode node) {
        ActionPlan plan = plan(action, node);
        CompletableFuture<ActionResult> work = session.clientProperty().get()
                .map(c -> c.perform(action, node))
                .orElse(CompletableFuture.failedFuture(new ClusterClientException("not connected to a cluster")))
                .thenApply(r -> {
                    if (r instanceof ActionResult.NotAvailable na) {
                        throw new ClusterClientException(action.verb() + " is not available: " + na.reason());
                    }
                    return r;
                });
        ConsoleTask<ActionResult> task = ConsoleTask.track(plan.title(),
                "asking " + session.clientProperty().get().map(ClusterClient::displayName).orElse("the cluster")
                        + " to " + action.verb() + " node " + node.nodeId(), work, session.ui(),
                r -> r instanceof ActionResult.Done d ? d.message() : "done");
        task.outcome().whenComplete((r, t) -> session.refresh());
        return task;
    }
}
