package io.tidepool.recovery;

import io.tidepool.ops.ssh.SshSettings;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link RecoveryPlan}: what runs, where, and its time limit. The plan shown by a
 * dry run is made of these same values, so what is shown is what runs. Immutable.
 */
public sealed interface PlanStep {

    /** What the step does, in words ({@code "copy the primary with pg_basebackup"}). */
    String title();

    /** Where it runs: {@code ssh postgres@db2:22}, {@code sql postgres@db1:5432/postgres}, {@code tidepool}. */
    String where();

    /** What exactly runs (shell text, SQL), secrets masked; empty for steps Tidepool does itself. */
    List<String> shown();

    Duration timeout();

    /** False for clean-up steps whose failure is reported but does not fail the recovery. */
    default boolean required() {
        return true;
    }

    /**
     * A shell command on a node's host over SSH.
     *
     * @param ssh       where and how to log in
     * @param command   the shell text (POSIX sh), run as the SSH user (or the sudo user)
     * @param stdin     fed to standard input; holds secrets, never shown
     * @param stdinShown what the plan shows for stdin (secrets masked), empty when there is none
     */
    record Remote(String title, SshSettings ssh, String command, String stdin, String stdinShown, Duration timeout,
                  boolean required) implements PlanStep {
        public Remote {
            Objects.requireNonNull(title);
            Objects.requireNonNull(ssh);
            Objects.requireNonNull(command);
            Objects.requireNonNull(stdin);
            Objects.requireNonNull(stdinShown);
        }

        @Override
        public String where() {
            return "ssh " + ssh.endpoint() + ssh.sudoUser().map(u -> " (sudo -u " + u + ")").orElse("");
        }

        @Override
        public List<String> shown() {
            return stdinShown.isEmpty() ? List.of(command)
                    : List.of(command, "standard input:", stdinShown.stripTrailing());
        }
    }

    /** SQL statements in one session on a server. */
    record Sql(String title, SqlTarget target, List<String> statements, Duration timeout) implements PlanStep {
        public Sql {
            statements = List.copyOf(statements);
        }

        @Override
        public String where() {
            return "sql " + target;
        }

        @Override
        public List<String> shown() {
            return statements;
        }
    }

    /** Waits until the primary's {@code pg_stat_replication} shows {@code applicationName} streaming, steadily. */
    record AwaitStreaming(String title, SqlTarget primary, String applicationName, Duration timeout) implements PlanStep {
        @Override
        public String where() {
            return "sql " + primary;
        }

        @Override
        public List<String> shown() {
            return List.of(AWAIT_STREAMING_SQL.replace("?", "'" + applicationName.replace("'", "''") + "'")
                    + "  -- until 'streaming'");
        }
    }

    /** The postmaster check of pgpool-II (spec 3.2 step 4): log in to the target, {@code postgres} then {@code template1}. */
    record AwaitAccepting(String title, SqlTarget target, Duration timeout) implements PlanStep {
        @Override
        public String where() {
            return "sql " + target;
        }

        @Override
        public List<String> shown() {
            return List.of("connect to databases postgres, then template1, until the server accepts logins");
        }
    }

    /**
     * Native replication: new sessions wait, existing ones must end within {@code timeout}
     * (recovery_timeout); with {@code idleLimit} (client_idle_limit_in_recovery) idle ones are
     * ended after that long, at once when it is negative.
     */
    record DrainSessions(String title, Duration timeout, Optional<Duration> idleLimit) implements PlanStep {
        @Override
        public String where() {
            return "tidepool";
        }

        @Override
        public List<String> shown() {
            String idle = idleLimit.map(limit -> limit.isNegative() ? "idle sessions are ended at once"
                    : "sessions idle for " + limit.toSeconds() + " s are ended").orElse("idle sessions are left to end");
            return List.of("new client sessions wait; " + idle + " (client_idle_limit_in_recovery); at most "
                    + timeout.toSeconds() + " s (recovery_timeout)");
        }
    }

    /** Puts the node back into service in the proxy (failback). */
    record Attach(String title, int nodeId, Duration timeout) implements PlanStep {
        @Override
        public String where() {
            return "tidepool";
        }

        @Override
        public List<String> shown() {
            return List.of();
        }
    }

    /** The query {@link AwaitStreaming} polls. */
    String AWAIT_STREAMING_SQL = "SELECT state, pid FROM pg_stat_replication WHERE application_name = ?";
}
