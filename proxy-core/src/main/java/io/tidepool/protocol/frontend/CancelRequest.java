package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.backend.BackendKeyData;

import java.util.Arrays;

/**
 * CancelRequest, sent on a new connection: {@code Int32 length, Int32 80877102, Int32 pid,
 * Byte[n] secret} (n = 4 in protocol 3.0, up to 256 from 3.2). The server answers nothing and
 * closes. Immutable: the secret is copied in and out.
 */
public final class CancelRequest implements StartupPacket {
    private final int processId;
    private final byte[] secret;

    /** A protocol 3.0 request: 4-byte secret. */
    public CancelRequest(int processId, int secretKey) {
        this(processId, new BackendKeyData(processId, secretKey).secret());
    }

    public CancelRequest(int processId, byte[] secret) {
        this.processId = processId;
        this.secret = secret.clone();
    }

    /** The request that cancels with {@code key}. */
    public static CancelRequest of(BackendKeyData key) {
        return new CancelRequest(key.processId(), key.secret());
    }

    static CancelRequest decodeBody(ByteBuf body) {
        int secretLength = body.readableBytes() - 4;
        if (secretLength < 4 || secretLength > BackendKeyData.MAX_SECRET_LENGTH) {
            throw PgException.protocolViolation("CancelRequest body has " + body.readableBytes() + " bytes, 8 to "
                    + (4 + BackendKeyData.MAX_SECRET_LENGTH) + " expected");
        }
        int processId = body.readInt();
        byte[] secret = new byte[secretLength];
        body.readBytes(secret);
        return new CancelRequest(processId, secret);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(12 + secret.length).writeInt(CANCEL_REQUEST_CODE).writeInt(processId).writeBytes(secret);
    }

    public int processId() {
        return processId;
    }

    /** A copy of the secret. */
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CancelRequest that && processId == that.processId && Arrays.equals(secret, that.secret);
    }

    @Override
    public int hashCode() {
        return processId * 31 + Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
        // The secret never reaches a log.
        return "CancelRequest[processId=" + processId + "]";
    }
}
