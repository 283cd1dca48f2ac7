package io.tidepool.console.client;

import io.tidepool.cluster.NodeRole;

/**
 * Which actions make sense for a node in its current state, whatever the kind of cluster. A
 * client adds its own limits on top (a missing PCP channel, say). Reasons are shown as written.
 */
public final class NodeActionRules {

    /** Shown for RECOVER until Tidepool's SSH-driven online recovery exists. */
    public static final String RECOVERY_NOT_AVAILABLE =
            "online recovery is not available in this console yet"
                    + " (planned: pg_rewind or pg_basebackup over SSH, with a plan shown first)";

    private NodeActionRules() {
    }

    public static ActionAvailability check(NodeAction action, PoolNode node) {
        PoolNodeStatus status = node.status();
        return switch (action) {
            case ATTACH -> status.isServing()
                    ? ActionAvailability.notAvailable("node " + node.nodeId() + " is already " + status.text())
                    : status == PoolNodeStatus.UNUSED
                    ? ActionAvailability.notAvailable("node " + node.nodeId() + " is not configured")
                    : ActionAvailability.available();
            case DETACH, DETACH_GRACEFULLY -> status.isServing()
                    ? ActionAvailability.available()
                    : ActionAvailability.notAvailable("node " + node.nodeId() + " is already " + status.text());
            case PROMOTE, SWITCHOVER -> promotable(node);
            case RECOVER -> ActionAvailability.notAvailable(RECOVERY_NOT_AVAILABLE);
        };
    }

    private static ActionAvailability promotable(PoolNode node) {
        if (node.role() == NodeRole.MAIN || node.role() == NodeRole.REPLICA) {
            return ActionAvailability.notAvailable("promotion exists only in streaming replication mode");
        }
        if (node.role() == NodeRole.PRIMARY) {
            return ActionAvailability.notAvailable("node " + node.nodeId() + " is already the primary");
        }
        if (!node.status().isServing()) {
            return ActionAvailability.notAvailable(
                    "node " + node.nodeId() + " is " + node.status().text() + "; attach it before promoting it");
        }
        return ActionAvailability.available();
    }
}
