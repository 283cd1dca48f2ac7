package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;

/** Query ('Q'): one simple-protocol query string, possibly several statements. */
public record Query(String sql) {

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static Query decode(ByteBuf body) {
        Query query = new Query(CStrings.read(body));
        Frames.expectEnd(body, "Query");
        return query;
    }

    /**
     * The query string of the whole frame {@code frames[start, start + length)}, read in place
     * (no slice, no record): the proxy's hot path for every simple-protocol query. Checks what
     * {@link #decode} checks. Ownership: {@code frames} stays the caller's.
     */
    public static String sqlOf(ByteBuf frames, int start, int length) {
        int body = start + Frames.HEADER_LENGTH;
        int last = start + length - 1;
        int end = CStrings.end(frames, body, start + length);
        if (end != last) {
            throw PgException.protocolViolation("Query has " + (last - end) + " unexpected trailing bytes");
        }
        return CStrings.get(frames, body, end);
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.QUERY);
        CStrings.write(out, sql);
        Frames.end(out, length);
    }
}
