package io.tidepool.ops.ssh;

import java.time.Duration;
import java.util.List;

/**
 * How a remote command ended.
 *
 * @param endpoint    where it ran
 * @param command     what ran (as sent, sudo wrapping included)
 * @param exitStatus  its exit status
 * @param lastLines   its last output lines, both streams interleaved in arrival order (stderr lines prefixed)
 * @param elapsed     wall time
 */
public record RemoteResult(SshEndpoint endpoint, String command, int exitStatus, List<String> lastLines,
                           Duration elapsed) {

    public RemoteResult {
        lastLines = List.copyOf(lastLines);
    }

    public boolean succeeded() {
        return exitStatus == 0;
    }

    /** This result when the exit status is 0; else an {@link SshException} naming the status and the last lines. */
    public RemoteResult orThrow(String what) {
        if (!succeeded()) {
            throw new SshException(what + " on " + endpoint + " failed with exit status " + exitStatus
                    + (lastLines.isEmpty() ? " and no output" : "; last output:\n  " + String.join("\n  ", lastLines)));
        }
        return this;
    }
}
