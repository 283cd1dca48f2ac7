package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.protocol.MessageType;

/** Sync ('S'), no body: ends an extended-query pipeline; the server answers ReadyForQuery. */
public final class Sync {
    private Sync() {
    }

    private static final ByteBuf BYTES = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeByte(MessageType.SYNC).writeInt(4).asReadOnly());

    /** A fresh duplicate of the frame; whoever writes it releases it (releasing is a no-op). */
    public static ByteBuf frame() {
        return BYTES.duplicate();
    }
}
