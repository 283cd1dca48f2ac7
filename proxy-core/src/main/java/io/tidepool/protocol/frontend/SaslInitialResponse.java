package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/**
 * SASLInitialResponse ('p'): {@code String mechanism, Int32 length (-1: none), Byte * length}.
 * Immutable: the data is copied in and out.
 */
public final class SaslInitialResponse {
    private final String mechanism;
    private final byte[] data;

    public SaslInitialResponse(String mechanism, byte[] data) {
        this.mechanism = mechanism;
        this.data = data.clone();
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static SaslInitialResponse decode(ByteBuf body) {
        String mechanism = CStrings.read(body);
        Frames.need(body, 4, "SASLInitialResponse");
        int length = body.readInt();
        byte[] data = new byte[Math.max(length, 0)];
        Frames.need(body, data.length, "SASLInitialResponse");
        body.readBytes(data);
        Frames.expectEnd(body, "SASLInitialResponse");
        return new SaslInitialResponse(mechanism, data);
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.PASSWORD);
        CStrings.write(out, mechanism);
        out.writeInt(data.length).writeBytes(data);
        Frames.end(out, length);
    }

    public String mechanism() {
        return mechanism;
    }

    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SaslInitialResponse that && mechanism.equals(that.mechanism)
                && java.util.Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return mechanism.hashCode() * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SASLInitialResponse[" + mechanism + ", " + data.length + " bytes]";
    }
}
