package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/**
 * BackendKeyData ('K'): {@code Int32 pid, Int32 secret}, the key a client later sends in a
 * CancelRequest. The proxy never passes a backend's key on: it sends its own.
 */
public record BackendKeyData(int processId, int secretKey) {

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static BackendKeyData decode(ByteBuf body) {
        Frames.need(body, 8, "BackendKeyData");
        BackendKeyData key = new BackendKeyData(body.readInt(), body.readInt());
        Frames.expectEnd(body, "BackendKeyData");
        return key;
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        out.writeByte(MessageType.BACKEND_KEY_DATA).writeInt(12).writeInt(processId).writeInt(secretKey);
    }

    @Override
    public String toString() {
        return "BackendKeyData[processId=" + processId + "]";
    }
}
