package io.tidepool.console.client;

import java.util.Locale;

/** What a live check of the PostgreSQL server found (SHOW pool_nodes {@code pg_status}, spec 2.2.1). */
public enum LiveStatus {
    UP("up"),
    DOWN("down"),
    /** Not checked: health checks are off for the node, or the peer does not report it. */
    UNKNOWN("unknown");

    private final String text;

    LiveStatus(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static LiveStatus fromText(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "up" -> UP;
            case "down" -> DOWN;
            default -> UNKNOWN;
        };
    }
}
