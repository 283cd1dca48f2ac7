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
        Query query = new Query(sqlIn(body, body.readerIndex(), body.writerIndex()));
        body.readerIndex(body.writerIndex());
        return query;
    }

    /**
     * The query string of the whole frame {@code frames[start, start + length)}, read in place
     * (no slice, no record): the proxy's hot path for every simple-protocol query. Checks what
     * {@link #decode} checks. Ownership: {@code frames} stays the caller's.
     */
    public static String sqlOf(ByteBuf frames, int start, int length) {
        return sqlIn(frames, start + Frames.HEADER_LENGTH, start + length);
    }

    /** The query string of the body {@code buf[body, bodyEnd)}, whose terminator must be its last byte. */
    private static String sqlIn(ByteBuf buf, int body, int bodyEnd) {
        int end = CStrings.end(buf, body, bodyEnd);
        int trailing = bodyEnd - 1 - end;
        if (trailing > 0) {
            throw PgException.protocolViolation("Query has " + trailing + " unexpected trailing bytes");
        }
        return CStrings.get(buf, body, end);
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.QUERY);
        CStrings.write(out, sql);
        Frames.end(out, length);
    }
}
