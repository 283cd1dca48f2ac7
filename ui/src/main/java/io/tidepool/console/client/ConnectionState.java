package io.tidepool.console.client;

/** Where a {@link ClusterClient}'s connection to its cluster stands. */
public enum ConnectionState {
    /** The first attempt is under way. */
    CONNECTING,
    CONNECTED,
    /** A working connection failed; a retry is scheduled. */
    LOST,
    /** A retry attempt is under way. */
    RETRYING,
    /** Closed by the console; no more retries. */
    CLOSED
}
