package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.PgException;

/**
 * The untyped packets a client may send first: {@link StartupMessage}, {@link SslRequest},
 * {@link GssEncRequest}, {@link CancelRequest}. They share the layout {@code Int32 length,
 * Int32 code, body}; the code tells them apart (protocol chapter, "Message Formats").
 */
public sealed interface StartupPacket permits StartupMessage, SslRequest, GssEncRequest, CancelRequest {

    /** Protocol version 3.0 as sent in a StartupMessage. */
    int PROTOCOL_3_0 = 3 << 16;
    /** The code of an SSLRequest (1234.5679). */
    int SSL_REQUEST_CODE = 80877103;
    /** The code of a GSSENCRequest (1234.5680). */
    int GSSENC_REQUEST_CODE = 80877104;
    /** The code of a CancelRequest (1234.5678). */
    int CANCEL_REQUEST_CODE = 80877102;

    /** Writes the whole packet, length included. Ownership: {@code out} stays the caller's. */
    void encode(ByteBuf out);

    /**
     * Decodes one whole packet (length field included), as delimited by the frame decoder.
     * Ownership: {@code packet} stays the caller's; its reader index moves to its end.
     *
     * @throws PgException 08P01 when the packet is malformed, 0A000 for an unknown protocol
     */
    static StartupPacket decode(ByteBuf packet) {
        int length = packet.readInt();
        if (length != packet.readableBytes() + 4) {
            throw PgException.protocolViolation("startup packet length " + length + " does not match its "
                    + (packet.readableBytes() + 4) + " bytes");
        }
        int code = packet.readInt();
        return switch (code) {
            case SSL_REQUEST_CODE -> {
                expectEnd(packet, "SSLRequest");
                yield SslRequest.INSTANCE;
            }
            case GSSENC_REQUEST_CODE -> {
                expectEnd(packet, "GSSENCRequest");
                yield GssEncRequest.INSTANCE;
            }
            case CANCEL_REQUEST_CODE -> CancelRequest.decodeBody(packet);
            default -> StartupMessage.decodeBody(code, packet);
        };
    }

    private static void expectEnd(ByteBuf packet, String what) {
        if (packet.isReadable()) {
            throw PgException.protocolViolation(what + " carries " + packet.readableBytes() + " unexpected bytes");
        }
    }
}
