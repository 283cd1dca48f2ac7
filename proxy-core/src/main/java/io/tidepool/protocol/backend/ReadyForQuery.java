package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/**
 * ReadyForQuery ('Z'): {@code Byte1 status}. Three singletons; {@link #statusAt} reads the
 * status of a frame in place, which is what the forwarding path uses (no allocation).
 */
public enum ReadyForQuery {
    IDLE(TransactionStatus.IDLE),
    IN_TRANSACTION(TransactionStatus.IN_TRANSACTION),
    FAILED(TransactionStatus.FAILED);

    /** Whole frame length: type, length, status. */
    public static final int FRAME_LENGTH = 6;

    private final TransactionStatus status;

    ReadyForQuery(TransactionStatus status) {
        this.status = status;
    }

    public TransactionStatus status() {
        return status;
    }

    public static ReadyForQuery of(TransactionStatus status) {
        return values()[status.ordinal()];
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static ReadyForQuery decode(ByteBuf body) {
        Frames.need(body, 1, "ReadyForQuery");
        ReadyForQuery message = of(TransactionStatus.of(body.readByte()));
        Frames.expectEnd(body, "ReadyForQuery");
        return message;
    }

    /**
     * The status of the whole ReadyForQuery frame starting at {@code frameStart}, read in place.
     * Ownership: {@code frames} stays the caller's.
     */
    public static TransactionStatus statusAt(ByteBuf frames, int frameStart) {
        return TransactionStatus.of(frames.getByte(frameStart + Frames.HEADER_LENGTH));
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        out.writeByte(MessageType.READY_FOR_QUERY).writeInt(5).writeByte(status.code());
    }
}
