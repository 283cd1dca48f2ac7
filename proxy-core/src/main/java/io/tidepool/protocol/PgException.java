package io.tidepool.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * A failure that reaches a client as an {@code ErrorResponse}: it carries everything the
 * response needs. {@link io.tidepool.protocol.backend.ErrorResponse#of(PgException)} is the
 * one place that turns it into bytes; {@link #from(Throwable)} is the one place that maps any
 * other internal failure to a SQLSTATE.
 *
 * <p>Messages start lower-case and say what happened and what to do.
 */
public class PgException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Severity severity;
    private final SqlState sqlState;
    private final String detail;
    private final String hint;

    public PgException(Severity severity, SqlState sqlState, String message, String detail, String hint) {
        super(Objects.requireNonNull(message, "message"));
        this.severity = Objects.requireNonNull(severity, "severity");
        this.sqlState = Objects.requireNonNull(sqlState, "sqlState");
        this.detail = detail;
        this.hint = hint;
    }

    /** A session-ending error without detail or hint. */
    public static PgException fatal(SqlState sqlState, String message) {
        return new PgException(Severity.FATAL, sqlState, message, null, null);
    }

    /** A session-ending 08P01: the peer broke the v3 protocol. */
    public static PgException protocolViolation(String message) {
        return fatal(SqlState.PROTOCOL_VIOLATION, message);
    }

    /**
     * Maps any failure to the error a client should see: a {@code PgException} as it is, an
     * I/O failure as 08006, anything else as XX000 (a bug: the message says so).
     */
    public static PgException from(Throwable failure) {
        if (failure instanceof PgException pg) {
            return pg;
        }
        if (failure instanceof java.io.IOException || failure instanceof io.netty.channel.ChannelException) {
            return new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE,
                    "connection failure: " + describe(failure), null, null);
        }
        return new PgException(Severity.FATAL, SqlState.INTERNAL_ERROR,
                "internal error in tidepool: " + describe(failure), null,
                "this is a bug; please report it with the proxy log");
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    public Severity severity() {
        return severity;
    }

    public SqlState sqlState() {
        return sqlState;
    }

    public Optional<String> detail() {
        return Optional.ofNullable(detail);
    }

    public Optional<String> hint() {
        return Optional.ofNullable(hint);
    }
}
