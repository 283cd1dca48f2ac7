package io.tidepool.console.client;

import java.util.Objects;

/**
 * How a requested node action ended, when it did not fail outright (failures complete the
 * future exceptionally with a {@link ClusterClientException}).
 */
public sealed interface ActionResult {

    /** The cluster accepted the request; {@code message} says what it reported. */
    record Done(NodeAction action, int nodeId, String message) implements ActionResult {
        public Done {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The action does not exist for this cluster or node yet; nothing was sent. */
    record NotAvailable(NodeAction action, int nodeId, String reason) implements ActionResult {
        public NotAvailable {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
