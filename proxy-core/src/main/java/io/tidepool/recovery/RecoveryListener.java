package io.tidepool.recovery;

import io.tidepool.ops.ssh.OutputListener;

/**
 * Follows a running recovery: each step as it starts and ends, and every output line. Called on
 * the recovery's thread (output lines: on the SSH reader thread); return quickly.
 */
public interface RecoveryListener {

    default void stepStarted(int number, PlanStep step) {
    }

    default void output(PlanStep step, OutputListener.Stream stream, String line) {
    }

    /** {@code outcome} is a short sentence ({@code "done in 3 s"}, {@code "failed: exit status 1"}). */
    default void stepFinished(int number, PlanStep step, boolean succeeded, String outcome) {
    }

    static RecoveryListener none() {
        return new RecoveryListener() { };
    }
}
