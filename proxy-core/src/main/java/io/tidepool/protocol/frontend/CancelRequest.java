package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.PgException;

/**
 * CancelRequest, sent on a new connection: {@code Int32 16, Int32 80877102, Int32 pid, Int32 secret}.
 * The server answers nothing and closes.
 */
public record CancelRequest(int processId, int secretKey) implements StartupPacket {

    static CancelRequest decodeBody(ByteBuf body) {
        if (body.readableBytes() != 8) {
            throw PgException.protocolViolation("CancelRequest body has " + body.readableBytes() + " bytes, 8 expected");
        }
        return new CancelRequest(body.readInt(), body.readInt());
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(16).writeInt(CANCEL_REQUEST_CODE).writeInt(processId).writeInt(secretKey);
    }

    @Override
    public String toString() {
        // The secret never reaches a log.
        return "CancelRequest[processId=" + processId + "]";
    }
}
