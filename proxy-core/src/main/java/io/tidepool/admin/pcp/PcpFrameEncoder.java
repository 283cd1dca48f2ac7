package io.tidepool.admin.pcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link PcpPacket}s: tag, int32 length, payload. Stateless, shared by every channel. */
@ChannelHandler.Sharable
public final class PcpFrameEncoder extends MessageToByteEncoder<PcpPacket> {

    public static final PcpFrameEncoder INSTANCE = new PcpFrameEncoder();

    private PcpFrameEncoder() {
        super(PcpPacket.class);
    }

    /** {@code out} is owned by the base class, which writes and releases it. */
    @Override
    protected void encode(ChannelHandlerContext ctx, PcpPacket packet, ByteBuf out) {
        packet.encode(out);
    }
}
