package io.tidepool.recovery;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An online recovery was refused or failed. The message is for the operator: what failed (the
 * step, where it ran, its exit status, its last output lines) and in what state the node is left.
 */
public final class RecoveryException extends Exception {

    private final String detail;
    private final Optional<PlanStep> failedStep;
    private final OptionalInt exitStatus;
    private final List<String> lastLines;
    private boolean alreadyRunning;

    /** A refusal before anything ran (bad node id, node is up, another recovery runs, ...). */
    public static RecoveryException refused(String message, String detail) {
        return new RecoveryException(message, detail, Optional.empty(), OptionalInt.empty(), List.of(), null);
    }

    /** Another recovery is running (PCP answers this one with a FATAL packet, as pgpool-II does). */
    static RecoveryException alreadyRunning() {
        RecoveryException e = refused("process recovery request failed",
                "Tidepool is already processing another recovery request.");
        e.alreadyRunning = true;
        return e;
    }

    public boolean isAlreadyRunning() {
        return alreadyRunning;
    }

    RecoveryException(String message, String detail, Optional<PlanStep> failedStep, OptionalInt exitStatus,
                      List<String> lastLines, Throwable cause) {
        super(message, cause);
        this.detail = detail;
        this.failedStep = failedStep;
        this.exitStatus = exitStatus;
        this.lastLines = List.copyOf(lastLines);
    }

    /** More about it (what to do next, where the old data directory is); may be empty. */
    public String detail() {
        return detail;
    }

    /** The step that failed, when one ran. */
    public Optional<PlanStep> failedStep() {
        return failedStep;
    }

    /** The failed command's exit status, when it was a command that ended. */
    public OptionalInt exitStatus() {
        return exitStatus;
    }

    /** The failed step's last output lines. */
    public List<String> lastLines() {
        return lastLines;
    }

    /** Message and detail in one text. */
    public String describe() {
        return detail.isEmpty() ? getMessage() : getMessage() + "\n" + detail;
    }
}
