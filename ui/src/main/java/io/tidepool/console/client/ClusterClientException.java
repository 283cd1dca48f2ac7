package io.tidepool.console.client;

/**
 * A cluster operation failed. The message is written for the operator (lower-case start, what
 * happened and, where known, what to do); the cause keeps the technical chain for the log.
 */
public class ClusterClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterClientException(String message) {
        super(message);
    }

    public ClusterClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
