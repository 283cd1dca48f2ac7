package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/** ParameterStatus ('S'): {@code String name, String value}, a reported run-time parameter. */
public record ParameterStatus(String name, String value) {

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static ParameterStatus decode(ByteBuf body) {
        ParameterStatus status = new ParameterStatus(CStrings.read(body), CStrings.read(body));
        Frames.expectEnd(body, "ParameterStatus");
        return status;
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.PARAMETER_STATUS);
        CStrings.write(out, name);
        CStrings.write(out, value);
        Frames.end(out, length);
    }
}
