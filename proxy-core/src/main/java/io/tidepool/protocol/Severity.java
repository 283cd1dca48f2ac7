package io.tidepool.protocol;

/** Severity of an {@code ErrorResponse} or {@code NoticeResponse} (fields {@code S} and {@code V}). */
public enum Severity {
    /** Ends the current statement; the session continues. */
    ERROR,
    /** Ends the session. */
    FATAL,
    PANIC,
    WARNING,
    NOTICE,
    DEBUG,
    INFO,
    LOG
}
