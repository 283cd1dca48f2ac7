package io.tidepool.ops.local;

/**
 * A local PostgreSQL cluster operation failed: a missing binary, a command with a non-zero
 * exit status, a timeout, a server that did not come up. The message says what was attempted
 * and carries the captured command output or the tail of the node's server log, so a failed
 * test explains itself without anyone having to find the temporary directory.
 */
public class LocalClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalClusterException(String message) {
        super(message);
    }

    public LocalClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
