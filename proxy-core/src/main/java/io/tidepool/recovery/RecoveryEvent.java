package io.tidepool.recovery;

import java.util.Objects;

/**
 * What a recovery reports to the cluster's event journal: its start, each step's end (with its
 * last output lines), success or failure. Immutable.
 *
 * @param kind    what happened
 * @param nodeId  the node being recovered
 * @param message one line for an operator, lower-case start
 * @param detail  more (output lines, commands); may be empty
 */
public record RecoveryEvent(Kind kind, int nodeId, String message, String detail) {

    public enum Kind { RECOVERY_STARTED, RECOVERY_STEP, RECOVERY_SUCCEEDED, RECOVERY_FAILED }

    public RecoveryEvent {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(message);
        Objects.requireNonNull(detail);
    }
}
