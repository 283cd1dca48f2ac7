package io.tidepool.server.logging;

import java.util.Locale;
import java.util.Optional;

/** {@code log_error_verbosity}: how much of an exception attached to a log event is written. */
public enum ErrorVerbosity {
    /** The message only. */
    TERSE,
    /** The message plus one {@code DETAIL:} line per exception in the cause chain. */
    DEFAULT,
    /** The message plus full stack traces. */
    VERBOSE;

    public static Optional<ErrorVerbosity> parse(String text) {
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
