package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/** Query ('Q'): one simple-protocol query string, possibly several statements. */
public record Query(String sql) {

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static Query decode(ByteBuf body) {
        Query query = new Query(CStrings.read(body));
        Frames.expectEnd(body, "Query");
        return query;
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.QUERY);
        CStrings.write(out, sql);
        Frames.end(out, length);
    }
}
