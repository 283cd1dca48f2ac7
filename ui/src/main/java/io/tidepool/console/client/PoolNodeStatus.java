package io.tidepool.console.client;

import java.util.Locale;

/**
 * A node's status as the middleware records it (SHOW pool_nodes {@code status}, spec 2.2.1).
 * Kept apart from {@code io.tidepool.cluster.NodeStatus} because pgpool-II also reports
 * {@code quarantine}, and a console must show whatever a peer sends, unknown words included.
 */
public enum PoolNodeStatus {
    UP("up"),
    WAITING("waiting"),
    DOWN("down"),
    QUARANTINE("quarantine"),
    UNUSED("unused"),
    UNKNOWN("unknown");

    private final String text;

    PoolNodeStatus(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Up or waiting: the middleware would route queries to this node. */
    public boolean isServing() {
        return this == UP || this == WAITING;
    }

    public static PoolNodeStatus fromText(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (PoolNodeStatus s : values()) {
            if (s.text.equals(t)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
