package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/** CommandComplete ('C'): {@code String tag} such as {@code SELECT 5} or {@code INSERT 0 1}. */
public record CommandComplete(String tag) {

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static CommandComplete decode(ByteBuf body) {
        CommandComplete message = new CommandComplete(CStrings.read(body));
        Frames.expectEnd(body, "CommandComplete");
        return message;
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.COMMAND_COMPLETE);
        CStrings.write(out, tag);
        Frames.end(out, length);
    }
}
