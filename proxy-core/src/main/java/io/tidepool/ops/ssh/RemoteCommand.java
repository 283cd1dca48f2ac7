package io.tidepool.ops.ssh;

import io.tidepool.ops.Cancellation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A shell command to run on an SSH server, with its limits. Immutable; {@code with...} copies.
 *
 * @param command   shell text, run by the account's login shell (write POSIX {@code sh})
 * @param stdin     bytes fed to the command's standard input, then end of file; secrets go here,
 *                  never into {@code command} (which other users of the server can see in {@code ps})
 * @param timeout   the command is stopped when it runs longer
 * @param listener  gets every output line as it arrives
 * @param cancellation stops the command when cancelled
 */
public record RemoteCommand(String command, byte[] stdin, Duration timeout, OutputListener listener,
                            Cancellation cancellation) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public RemoteCommand {
        Objects.requireNonNull(command, "command");
        stdin = stdin.clone();
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(cancellation, "cancellation");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive");
        }
    }

    public static RemoteCommand of(String command) {
        return new RemoteCommand(command, new byte[0], DEFAULT_TIMEOUT, OutputListener.ignore(), Cancellation.none());
    }

    public RemoteCommand withStdin(String text) {
        return new RemoteCommand(command, text.getBytes(StandardCharsets.UTF_8), timeout, listener, cancellation);
    }

    public RemoteCommand withTimeout(Duration limit) {
        return new RemoteCommand(command, stdin, limit, listener, cancellation);
    }

    public RemoteCommand withListener(OutputListener lines) {
        return new RemoteCommand(command, stdin, timeout, lines, cancellation);
    }

    public RemoteCommand withCancellation(Cancellation token) {
        return new RemoteCommand(command, stdin, timeout, listener, token);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteCommand other && command.equals(other.command)
                && java.util.Arrays.equals(stdin, other.stdin) && timeout.equals(other.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, timeout);
    }

    /** The command only: standard input may hold secrets. */
    @Override
    public String toString() {
        return command + (stdin.length > 0 ? " (with standard input)" : "");
    }
}
