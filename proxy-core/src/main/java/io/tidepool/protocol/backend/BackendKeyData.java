package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;

import java.util.Arrays;

/**
 * BackendKeyData ('K'): {@code Int32 pid, Byte[n] secret}, the key a client later sends in a
 * CancelRequest. The secret is 4 bytes in protocol 3.0 and 4 to 256 bytes from protocol 3.2
 * (PostgreSQL 18), so it is kept as bytes. The proxy never passes a backend's key on: it
 * sends its own 4-byte key, valid in every protocol version.
 *
 * <p>Immutable: the secret is copied in and out.
 */
public final class BackendKeyData {
    /** Longest secret protocol 3.2 allows. */
    public static final int MAX_SECRET_LENGTH = 256;

    private final int processId;
    private final byte[] secret;

    /** A protocol 3.0 key: 4-byte secret. */
    public BackendKeyData(int processId, int secretKey) {
        this(processId, new byte[] {(byte) (secretKey >>> 24), (byte) (secretKey >>> 16), (byte) (secretKey >>> 8),
            (byte) secretKey});
    }

    public BackendKeyData(int processId, byte[] secret) {
        if (secret.length < 4 || secret.length > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException("cancel key secret of " + secret.length + " bytes (4 to "
                    + MAX_SECRET_LENGTH + " expected)");
        }
        this.processId = processId;
        this.secret = secret.clone();
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static BackendKeyData decode(ByteBuf body) {
        Frames.need(body, 8, "BackendKeyData");
        int processId = body.readInt();
        if (body.readableBytes() > MAX_SECRET_LENGTH) {
            throw PgException.protocolViolation("BackendKeyData secret of " + body.readableBytes()
                    + " bytes exceeds limit " + MAX_SECRET_LENGTH);
        }
        byte[] secret = new byte[body.readableBytes()];
        body.readBytes(secret);
        return new BackendKeyData(processId, secret);
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        out.writeByte(MessageType.BACKEND_KEY_DATA).writeInt(8 + secret.length).writeInt(processId).writeBytes(secret);
    }

    public int processId() {
        return processId;
    }

    /** A copy of the secret. */
    public byte[] secret() {
        return secret.clone();
    }

    /** The secret of a 4-byte (protocol 3.0) key as an int. */
    public int secretKey() {
        if (secret.length != 4) {
            throw new IllegalStateException("the secret has " + secret.length + " bytes, not 4");
        }
        return (secret[0] & 0xff) << 24 | (secret[1] & 0xff) << 16 | (secret[2] & 0xff) << 8 | (secret[3] & 0xff);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BackendKeyData that && processId == that.processId && Arrays.equals(secret, that.secret);
    }

    @Override
    public int hashCode() {
        return processId * 31 + Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
        // The secret never reaches a log.
        return "BackendKeyData[processId=" + processId + ", " + secret.length + "-byte secret]";
    }
}
