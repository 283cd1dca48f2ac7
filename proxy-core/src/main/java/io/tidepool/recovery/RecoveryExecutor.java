package io.tidepool.recovery;

import io.tidepool.ops.Cancellation;
import io.tidepool.ops.ssh.OutputListener;
import io.tidepool.ops.ssh.RemoteCommand;
import io.tidepool.ops.ssh.RemoteResult;
import io.tidepool.ops.ssh.SshClient;
import io.tidepool.ops.ssh.SshException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Runs a {@link RecoveryPlan}: each step in order, its output to the listener, its outcome to the
 * listener and the event journal. The first failing required step ends the plan; then the plan's
 * {@code onFailure} steps run (best effort) and, when the plan has one, the fallback plan.
 */
final class RecoveryExecutor {

    private static final Logger log = LoggerFactory.getLogger(RecoveryExecutor.class);
    /** How long the same walsender must report {@code streaming} before the node counts as streaming. */
    static final Duration STEADY_STREAMING = Duration.ofSeconds(1);

    private final RecoveryCluster cluster;
    private final SshClient ssh;
    private final RecoveryListener listener;
    private final Cancellation cancellation;
    private final int nodeId;
    private boolean sessionsHeld;

    RecoveryExecutor(int nodeId, RecoveryCluster cluster, SshClient ssh, RecoveryListener listener, Cancellation cancellation) {
        this.nodeId = nodeId;
        this.cluster = cluster;
        this.ssh = ssh;
        this.listener = listener;
        this.cancellation = cancellation;
    }

    /** A required step that did not succeed. */
    static final class StepFailure extends Exception {
        final PlanStep step;
        final int number;
        final int of;
        final OptionalInt exitStatus;
        final List<String> lastLines;
        final boolean connectionLost;

        StepFailure(PlanStep step, int number, int of, String reason, OptionalInt exitStatus, List<String> lastLines,
                    boolean connectionLost, Throwable cause) {
            super(reason, cause);
            this.step = step;
            this.number = number;
            this.of = of;
            this.exitStatus = exitStatus;
            this.lastLines = List.copyOf(lastLines);
            this.connectionLost = connectionLost;
        }
    }

    void run(RecoveryPlan plan) throws RecoveryException {
        try {
            runPlan(plan);
        } finally {
            if (sessionsHeld) {
                cluster.releaseSessions();
            }
        }
    }

    private void runPlan(RecoveryPlan plan) throws RecoveryException {
        try {
            runSteps(plan.steps());
        } catch (StepFailure failure) {
            boolean restored = runOnFailure(plan);
            boolean retry = plan.fallback().isPresent() && !failure.connectionLost && !cancellation.isCancelled();
            if (retry) {
                cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STEP, plan.nodeId(),
                        plan.method().text() + " failed at step " + failure.number + " (" + failure.step.title()
                                + "); trying " + plan.fallback().get().method().text() + " instead", failure.getMessage()));
                runPlan(plan.fallback().get());
                return;
            }
            throw toException(plan, failure, restored);
        }
    }

    private void runSteps(List<PlanStep> steps) throws StepFailure {
        for (int i = 0; i < steps.size(); i++) {
            PlanStep step = steps.get(i);
            int number = i + 1;
            if (cancellation.isCancelled()) {
                throw new StepFailure(step, number, steps.size(), "cancelled before this step", OptionalInt.empty(), List.of(),
                        false, null);
            }
            listener.stepStarted(number, step);
            long started = System.nanoTime();
            try {
                List<String> tail = runStep(step, number, steps.size());
                String outcome = "done in " + seconds(started);
                listener.stepFinished(number, step, true, outcome);
                cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STEP, nodeId,
                        "step " + number + "/" + steps.size() + " " + outcome + ": " + step.title(), String.join("\n", tail)));
            } catch (StepFailure failure) {
                listener.stepFinished(number, step, false, "failed: " + failure.getMessage());
                cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STEP, nodeId,
                        "step " + number + "/" + steps.size() + " failed: " + step.title() + ": " + failure.getMessage(),
                        String.join("\n", failure.lastLines)));
                if (step.required()) {
                    throw failure;
                }
                log.warn("clean-up step '{}' failed: {}", step.title(), failure.getMessage());
            }
        }
    }

    /** Runs the undo steps; true when all of them succeeded. */
    private boolean runOnFailure(RecoveryPlan plan) {
        boolean all = true;
        int number = 1;
        for (PlanStep step : plan.onFailure()) {
            listener.stepStarted(number, step);
            try {
                runStep(step, number, plan.onFailure().size());
                listener.stepFinished(number, step, true, "done");
                cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STEP, plan.nodeId(), "undo: " + step.title(), ""));
            } catch (StepFailure failure) {
                all = false;
                listener.stepFinished(number, step, false, "failed: " + failure.getMessage());
                cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STEP, plan.nodeId(),
                        "undo failed: " + step.title() + ": " + failure.getMessage(), String.join("\n", failure.lastLines)));
            }
            number++;
        }
        return all;
    }

    private List<String> runStep(PlanStep step, int number, int of) throws StepFailure {
        // Java 17: no pattern switch yet; PlanStep is sealed, so this chain is complete.
        if (step instanceof PlanStep.Remote remote) {
            return runRemote(remote, number, of);
        } else if (step instanceof PlanStep.Sql sql) {
            return runSql(sql, number, of);
        } else if (step instanceof PlanStep.AwaitStreaming wait) {
            return awaitStreaming(wait, number, of);
        } else if (step instanceof PlanStep.AwaitAccepting wait) {
            return awaitAccepting(wait, number, of);
        } else if (step instanceof PlanStep.DrainSessions drain) {
            return drain(drain, number, of);
        } else {
            return attach((PlanStep.Attach) step, number, of);
        }
    }

    private List<String> runRemote(PlanStep.Remote step, int number, int of) throws StepFailure {
        RemoteCommand command = RemoteCommand.of(step.command()).withStdin(step.stdin()).withTimeout(step.timeout())
                .withCancellation(cancellation)
                .withListener((stream, line) -> listener.output(step, stream, line));
        RemoteResult result;
        try {
            result = ssh.connect(step.ssh()).run(command);
        } catch (SshException.ConnectionLost e) {
            ssh.disconnect(step.ssh());
            throw new StepFailure(step, number, of, e.getMessage(), OptionalInt.empty(), List.of(), true, e);
        } catch (SshException e) {
            boolean lost = !(e instanceof SshException.Timeout) && !(e instanceof SshException.Cancelled);
            throw new StepFailure(step, number, of, e.getMessage(), OptionalInt.empty(), List.of(), lost, e);
        }
        if (!result.succeeded()) {
            throw new StepFailure(step, number, of, "exit status " + result.exitStatus(), OptionalInt.of(result.exitStatus()),
                    result.lastLines(), false, null);
        }
        return result.lastLines();
    }

    private List<String> runSql(PlanStep.Sql step, int number, int of) throws StepFailure {
        List<String> notes = new ArrayList<>();
        try (Connection connection = step.target().connect(step.timeout().plusSeconds(5));
             Statement statement = connection.createStatement();
             Cancellation.Registration ignored = cancellation.onCancel(() -> cancelQuietly(statement))) {
            for (String sql : step.statements()) {
                listener.output(step, OutputListener.Stream.STDOUT, sql);
                boolean rows = statement.execute(sql);
                if (rows) {
                    try (ResultSet result = statement.getResultSet()) {
                        while (result.next()) {
                            String line = String.valueOf(result.getString(1));
                            notes.add(line);
                            listener.output(step, OutputListener.Stream.STDOUT, line);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            String message = e.getMessage() + " [SQLSTATE " + e.getSQLState() + "]";
            listener.output(step, OutputListener.Stream.STDERR, message);
            throw new StepFailure(step, number, of, "SQL error: " + message, OptionalInt.empty(), List.of(message), false, e);
        }
        return notes;
    }

    private static void cancelQuietly(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException ignored) {
            // The statement may have ended meanwhile.
        }
    }

    private List<String> awaitStreaming(PlanStep.AwaitStreaming step, int number, int of) throws StepFailure {
        long deadline = System.nanoTime() + step.timeout().toNanos();
        String lastSeen = "no row";
        String pid = "";
        long since = 0;
        String lastError = "";
        while (System.nanoTime() < deadline && !cancellation.isCancelled()) {
            try (Connection connection = step.primary().connect(Duration.ofSeconds(15));
                 PreparedStatement query = connection.prepareStatement(PlanStep.AWAIT_STREAMING_SQL)) {
                query.setString(1, step.applicationName());
                while (System.nanoTime() < deadline && !cancellation.isCancelled()) {
                    String state = "";
                    String rowPid = "";
                    try (ResultSet rows = query.executeQuery()) {
                        if (rows.next()) {
                            state = rows.getString(1);
                            rowPid = rows.getString(2);
                        }
                    }
                    lastSeen = state.isEmpty() ? "no row" : "state " + state;
                    long now = System.nanoTime();
                    if ("streaming".equals(state)) {
                        if (!rowPid.equals(pid)) {
                            pid = rowPid;
                            since = now;
                            listener.output(step, OutputListener.Stream.STDOUT, "streaming (walsender pid " + pid + ")");
                        } else if (now - since >= STEADY_STREAMING.toNanos()) {
                            return List.of("streaming (walsender pid " + pid + ")");
                        }
                    } else {
                        pid = "";
                    }
                    sleep(200);
                }
            } catch (SQLException e) {
                lastError = e.getMessage();
                sleep(500);
            }
        }
        String reason = cancellation.isCancelled() ? "cancelled"
                : "application_name " + step.applicationName() + " not streaming after " + step.timeout().toSeconds()
                        + " s (pg_stat_replication: " + lastSeen + (lastError.isEmpty() ? "" : "; last error: " + lastError) + ")";
        throw new StepFailure(step, number, of, reason, OptionalInt.empty(), List.of(), false, null);
    }

    private List<String> awaitAccepting(PlanStep.AwaitAccepting step, int number, int of) throws StepFailure {
        long deadline = System.nanoTime() + step.timeout().toNanos();
        String lastError = "";
        while (System.nanoTime() < deadline && !cancellation.isCancelled()) {
            for (String database : List.of("postgres", "template1")) {
                try (Connection ignored = step.target().withDatabase(database).connect(Duration.ofSeconds(10))) {
                    return List.of("accepting connections (database " + database + ")");
                } catch (SQLException e) {
                    lastError = e.getMessage();
                }
            }
            sleep(1000);
        }
        throw new StepFailure(step, number, of, "postmaster on " + step.target().host() + ":" + step.target().port()
                + " failed to start in " + step.timeout().toSeconds() + " second" + (lastError.isEmpty() ? "" : " (" + lastError + ")"),
                OptionalInt.empty(), List.of(), false, null);
    }

    private List<String> drain(PlanStep.DrainSessions step, int number, int of) throws StepFailure {
        try {
            sessionsHeld = true;
            cluster.holdSessionsAndAwaitIdle(step.timeout(), step.idleLimit().orElse(Duration.ZERO));
            return List.of();
        } catch (RecoveryException e) {
            throw new StepFailure(step, number, of, e.getMessage(), OptionalInt.empty(), List.of(), false, e);
        }
    }

    private List<String> attach(PlanStep.Attach step, int number, int of) throws StepFailure {
        try {
            cluster.attach(step.nodeId(), step.timeout());
            return List.of("node " + step.nodeId() + " attached");
        } catch (RecoveryException e) {
            throw new StepFailure(step, number, of, e.getMessage(), OptionalInt.empty(), List.of(), false, e);
        }
    }

    private RecoveryException toException(RecoveryPlan plan, StepFailure failure, boolean restored) {
        PlanStep step = failure.step;
        String message = "node recovery failed at step " + failure.number + " of " + failure.of + " \"" + step.title() + "\" ("
                + step.where() + "): " + failure.getMessage();
        StringBuilder detail = new StringBuilder();
        if (!failure.lastLines.isEmpty() && !failure.getMessage().contains(failure.lastLines.get(failure.lastLines.size() - 1))) {
            detail.append("last output:\n  ").append(String.join("\n  ", failure.lastLines)).append('\n');
        }
        detail.append("node ").append(plan.nodeId()).append(" stays detached.");
        plan.keptAside().ifPresent(aside -> {
            String dir = aside.substring(0, aside.lastIndexOf(".before-recovery-"));
            if (restored) {
                detail.append(" Its previous data directory is back in place (").append(dir).append(").");
            } else {
                detail.append(" If its previous data directory was moved aside, it is at ").append(aside)
                        .append(" on the node's host; to restore it: rm -rf '").append(dir).append("' && mv '")
                        .append(aside).append("' '").append(dir).append("'. Or run the recovery again.");
            }
        });
        if (plan.method() == RecoveryMethod.REWIND) {
            detail.append(" pg_rewind may have changed the data directory; run the recovery again (recovery_method = "
                    + "basebackup copies it afresh).");
        }
        return new RecoveryException(message, detail.toString(), java.util.Optional.of(step), failure.exitStatus,
                failure.lastLines, failure.getCause());
    }

    private static String seconds(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis() / 1000 + " s";
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancellation.cancel();
        }
    }
}
