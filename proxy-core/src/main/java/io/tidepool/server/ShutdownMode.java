package io.tidepool.server;

import java.util.Optional;

/** The three stop modes of pgpool-II and PostgreSQL. */
public enum ShutdownMode {
    /** Stop accepting, wait until every client session has ended. */
    SMART('s'),
    /** Stop accepting, end every client session now (clients get 57P01), then exit. */
    FAST('f'),
    /** Close everything at once. */
    IMMEDIATE('i');

    private final char code;

    ShutdownMode(char code) {
        this.code = code;
    }

    /** The one-byte code used by PCP {@code T} and {@code -m s|f|i}. */
    public char code() {
        return code;
    }

    /** Accepts {@code s}, {@code smart}, {@code f}, {@code fast}, {@code i}, {@code immediate}. */
    public static Optional<ShutdownMode> parse(String text) {
        for (ShutdownMode mode : values()) {
            String name = mode.name().toLowerCase(java.util.Locale.ROOT);
            if (text.equalsIgnoreCase(name) || text.equals(String.valueOf(mode.code))) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
