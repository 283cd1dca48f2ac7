package io.tidepool.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.tidepool.protocol.backend.BackendKeyData;
import io.tidepool.protocol.frontend.CancelRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Sends a backend's own CancelRequest on a fresh connection to that backend, as the protocol
 * requires, and closes it; the server answers nothing.
 */
public final class CancelForwarder {
    private static final Logger log = LoggerFactory.getLogger(CancelForwarder.class);

    private final BackendConnector connector;

    public CancelForwarder(BackendConnector connector) {
        this.connector = connector;
    }

    public void forward(EventLoop loop, ByteBufAllocator alloc, CancelRegistry.CancelTarget target, Duration timeout) {
        connector.connect(loop, alloc, target.node(), timeout, new DiscardInbound()).addListener(connected -> {
            io.netty.channel.ChannelFuture future = (io.netty.channel.ChannelFuture) connected;
            if (!future.isSuccess()) {
                log.warn("could not forward a cancel request to backend {}: {}", target.node().describe(),
                        future.cause().toString());
                return;
            }
            ByteBuf packet = alloc.buffer(12 + BackendKeyData.MAX_SECRET_LENGTH);
            CancelRequest.of(target.backendKey()).encode(packet);
            future.channel().writeAndFlush(packet).addListener(ChannelFutureListener.CLOSE);
        });
    }

    /** The server sends nothing back; should it, the bytes are dropped. */
    private static final class DiscardInbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
