package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/** NoticeResponse ('N'): same fields as ErrorResponse; informational, never ends anything. */
public record NoticeResponse(ErrorFields fields) {

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static NoticeResponse decode(ByteBuf body) {
        return new NoticeResponse(ErrorFields.decode(body, "NoticeResponse"));
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.NOTICE_RESPONSE);
        fields.encodeBody(out);
        Frames.end(out, length);
    }
}
