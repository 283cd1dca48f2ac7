package io.tidepool.ops.ssh;

/**
 * Receives a remote command's output line by line as it arrives. Called on the SSH session's
 * reader thread: return quickly (hand slow work to another thread), never block.
 */
@FunctionalInterface
public interface OutputListener {

    /** Which stream a line came from. */
    enum Stream { STDOUT, STDERR }

    /** One line without its terminator ({@code \n}, {@code \r\n}, or a progress-style {@code \r}). */
    void line(Stream stream, String line);

    static OutputListener ignore() {
        return (stream, line) -> { };
    }
}
