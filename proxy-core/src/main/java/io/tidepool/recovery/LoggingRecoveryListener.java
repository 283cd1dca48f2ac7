package io.tidepool.recovery;

import io.tidepool.ops.ssh.OutputListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a recovery's steps and output lines to the log: what a PCP-started recovery streams to. */
public final class LoggingRecoveryListener implements RecoveryListener {

    private static final Logger log = LoggerFactory.getLogger("io.tidepool.recovery.output");

    private final int nodeId;

    public LoggingRecoveryListener(int nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public void stepStarted(int number, PlanStep step) {
        log.info("recovery of node {}: step {} started: {} [{}]", nodeId, number, step.title(), step.where());
    }

    @Override
    public void output(PlanStep step, OutputListener.Stream stream, String line) {
        log.info("recovery of node {}: {}{}", nodeId, stream == OutputListener.Stream.STDERR ? "! " : "| ", line);
    }

    @Override
    public void stepFinished(int number, PlanStep step, boolean succeeded, String outcome) {
        if (succeeded) {
            log.info("recovery of node {}: step {} {}", nodeId, number, outcome);
        } else {
            log.warn("recovery of node {}: step {} {}", nodeId, number, outcome);
        }
    }
}
