package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ErrorResponse ('E'). {@link #of(PgException)} is the one place where an error Tidepool
 * raises becomes protocol bytes: severity (localized and not), SQLSTATE, message, detail, hint.
 */
public record ErrorResponse(ErrorFields fields) {

    /** Builds the response for an error the proxy itself raises. */
    public static ErrorResponse of(PgException error) {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put(ErrorFields.SEVERITY, error.severity().name());
        fields.put(ErrorFields.SEVERITY_NON_LOCALIZED, error.severity().name());
        fields.put(ErrorFields.CODE, error.sqlState().code());
        fields.put(ErrorFields.MESSAGE, error.getMessage());
        error.detail().ifPresent(detail -> fields.put(ErrorFields.DETAIL, detail));
        error.hint().ifPresent(hint -> fields.put(ErrorFields.HINT, hint));
        return new ErrorResponse(new ErrorFields(fields));
    }

    public static ErrorResponse of(Severity severity, SqlState state, String message) {
        return of(new PgException(severity, state, message, null, null));
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static ErrorResponse decode(ByteBuf body) {
        return new ErrorResponse(ErrorFields.decode(body, "ErrorResponse"));
    }

    /**
     * Whether the whole ErrorResponse frame at {@code frames[start, start + length)} has severity
     * FATAL or PANIC (the backend closes after sending it). Ownership: stays the caller's.
     */
    public static boolean isFatal(ByteBuf frames, int start, int length) {
        return ErrorFields.isFatalAt(frames, start, length);
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.ERROR_RESPONSE);
        fields.encodeBody(out);
        Frames.end(out, length);
    }

    /** The whole frame in a new buffer from {@code alloc}; the caller (or the channel it is written to) releases it. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(64 + fields.message().length() * 2);
        encode(out);
        return out;
    }

    public String code() {
        return fields.code();
    }

    public String message() {
        return fields.message();
    }

    public String severity() {
        return fields.severity();
    }
}
