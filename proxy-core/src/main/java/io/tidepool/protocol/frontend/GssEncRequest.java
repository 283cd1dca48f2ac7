package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;

/** GSSENCRequest: the client asks for GSSAPI encryption; answered with one byte, {@code 'G'} or {@code 'N'}. */
public final class GssEncRequest implements StartupPacket {
    public static final GssEncRequest INSTANCE = new GssEncRequest();

    private GssEncRequest() {
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(8).writeInt(GSSENC_REQUEST_CODE);
    }

    @Override
    public String toString() {
        return "GSSENCRequest";
    }
}
