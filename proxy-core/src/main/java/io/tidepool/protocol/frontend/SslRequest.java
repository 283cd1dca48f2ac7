package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;

/** SSLRequest: the client asks for TLS; answered with one byte, {@code 'S'} or {@code 'N'}. */
public final class SslRequest implements StartupPacket {
    public static final SslRequest INSTANCE = new SslRequest();

    private SslRequest() {
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(8).writeInt(SSL_REQUEST_CODE);
    }

    @Override
    public String toString() {
        return "SSLRequest";
    }
}
