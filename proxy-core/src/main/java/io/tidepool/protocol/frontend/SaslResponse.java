package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

import java.util.Arrays;

/** SASLResponse ('p'): the mechanism-specific bytes, the whole body. Immutable: copied in and out. */
public final class SaslResponse {
    private final byte[] data;

    public SaslResponse(byte[] data) {
        this.data = data.clone();
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static SaslResponse decode(ByteBuf body) {
        byte[] data = new byte[body.readableBytes()];
        body.readBytes(data);
        return new SaslResponse(data);
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.PASSWORD);
        out.writeBytes(data);
        Frames.end(out, length);
    }

    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SaslResponse that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SASLResponse[" + data.length + " bytes]";
    }
}
