package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.protocol.MessageType;

/** Terminate ('X'), no body. */
public final class Terminate {
    private Terminate() {
    }

    private static final ByteBuf BYTES = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeByte(MessageType.TERMINATE).writeInt(4).asReadOnly());

    /** A fresh duplicate of the frame; whoever writes it releases it (releasing is a no-op). */
    public static ByteBuf frame() {
        return BYTES.duplicate();
    }
}
