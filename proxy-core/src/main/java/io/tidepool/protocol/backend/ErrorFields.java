package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.PgException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The body of ErrorResponse and NoticeResponse: {@code (Byte1 code, String value)*, Byte1 0}
 * (protocol chapter, "Error and Notice Message Fields"). Field order is kept.
 */
public record ErrorFields(Map<Character, String> fields) {
    public static final char SEVERITY = 'S';
    public static final char SEVERITY_NON_LOCALIZED = 'V';
    public static final char CODE = 'C';
    public static final char MESSAGE = 'M';
    public static final char DETAIL = 'D';
    public static final char HINT = 'H';

    public ErrorFields {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static ErrorFields decode(ByteBuf body, String what) {
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            Frames.need(body, 1, what);
            byte code = body.readByte();
            if (code == 0) {
                break;
            }
            fields.put((char) (code & 0xff), CStrings.read(body));
        }
        Frames.expectEnd(body, what);
        return new ErrorFields(fields);
    }

    /** Writes the fields and the terminating zero. Ownership: {@code out} stays the caller's. */
    void encodeBody(ByteBuf out) {
        fields.forEach((code, value) -> {
            out.writeByte(code);
            CStrings.write(out, value);
        });
        out.writeByte(0);
    }

    public Optional<String> get(char code) {
        return Optional.ofNullable(fields.get(code));
    }

    /** The non-localized severity when present (PostgreSQL 9.6+), else the localized one. */
    public String severity() {
        return get(SEVERITY_NON_LOCALIZED).or(() -> get(SEVERITY)).orElse("");
    }

    public String code() {
        return get(CODE).orElse("");
    }

    public String message() {
        return get(MESSAGE).orElse("");
    }

    /**
     * Whether the whole error frame {@code frames[start, start + length)} has severity FATAL or
     * PANIC; a malformed frame counts as not fatal. Ownership: {@code frames} stays the caller's.
     */
    static boolean isFatalAt(ByteBuf frames, int start, int length) {
        try {
            ErrorFields fields = decode(Frames.body(frames, start, length), "ErrorResponse");
            String severity = fields.severity();
            return severity.equals("FATAL") || severity.equals("PANIC");
        } catch (PgException malformed) {
            return false;
        }
    }
}
