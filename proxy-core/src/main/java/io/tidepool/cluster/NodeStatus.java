package io.tidepool.cluster;

/**
 * Backend node status as pgpool-II reports it (spec 1.7.3 field 3, SHOW pool_nodes {@code status}).
 * The ordinal order is not the wire code: use {@link #code()}.
 */
public enum NodeStatus {
    /** Not configured. */
    UNUSED(0, "unused"),
    /** Configured, no connection made yet. */
    WAITING(1, "waiting"),
    UP(2, "up"),
    DOWN(3, "down");

    private final int code;
    private final String text;

    NodeStatus(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The decimal code pgpool-II sends over PCP. */
    public int code() {
        return code;
    }

    /** The word SHOW pool_nodes and pgpool_status use. */
    public String text() {
        return text;
    }
}
