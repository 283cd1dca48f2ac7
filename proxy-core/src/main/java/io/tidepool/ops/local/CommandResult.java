package io.tidepool.ops.local;

import java.time.Duration;
import java.util.List;

/**
 * What an external command did: its exit status and everything it printed.
 *
 * @param command the argument vector that was run (as the OS saw it, including any user switch)
 * @param exitCode the process exit status
 * @param stdout standard output, decoded as UTF-8 (truncated at the start past {@link ExternalCommand#OUTPUT_LIMIT})
 * @param stderr standard error, likewise
 * @param elapsed wall time from start to exit
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {

    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * Returns this result when the command exited with status 0, else throws an exception whose
     * message starts with {@code what} and contains the command line and its output.
     */
    public CommandResult orThrow(String what) {
        if (!succeeded()) {
            throw new LocalClusterException(what + " failed with exit status " + exitCode + "\n" + describe());
        }
        return this;
    }

    /** The command line and its output, ready to go into an error message. */
    public String describe() {
        StringBuilder text = new StringBuilder("command: ").append(String.join(" ", command));
        appendStream(text, "stdout", stdout);
        appendStream(text, "stderr", stderr);
        return text.toString();
    }

    static void appendStream(StringBuilder text, String name, String content) {
        if (!content.isBlank()) {
            text.append('\n').append(name).append(":\n").append(content.stripTrailing());
        }
    }
}
