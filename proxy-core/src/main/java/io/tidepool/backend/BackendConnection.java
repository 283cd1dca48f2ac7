package io.tidepool.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.tidepool.protocol.FrameDecoder;
import io.tidepool.protocol.FrameInboundHandler;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.ProtocolLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * One connection from the proxy to a backend node. It cuts the server's byte stream into
 * whole messages and reports each to its {@link Listener} (the client session that owns it)
 * in place, so the session can forward rows without decoding them.
 *
 * <p>The channel is registered on the owning client's event loop: listener calls, the
 * client's handler and this handler all run on that one thread.
 */
public final class BackendConnection extends FrameInboundHandler {
    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    /** What the owner of a backend connection hears. All calls arrive on the channel's event loop. */
    public interface Listener {
        /**
         * One whole backend message {@code frames[start, start + length)}, header included.
         * Ownership: borrowed for the duration of the call.
         */
        void onBackendMessage(BackendConnection backend, byte type, ByteBuf frames, int start, int length);

        /** End of the messages of one read: write out what was collected. */
        void onBackendBatchEnd(BackendConnection backend);

        /** End of a socket read batch: flush. */
        void onBackendReadComplete(BackendConnection backend);

        /** The backend's send buffer crossed a watermark. */
        void onBackendWritabilityChanged(BackendConnection backend, boolean writable);

        /** The server broke the protocol; the connection is being closed. */
        void onBackendProtocolFailure(BackendConnection backend, PgException error);

        /** The connection is closed, for whatever reason ({@link #failure()} tells when known). */
        void onBackendClosed(BackendConnection backend);

        /**
         * Connecting to {@code node} failed (refused, unreachable, timed out) before any message was
         * exchanged; the connector may go on to the next node. For {@code failover_on_backend_error}.
         */
        default void onBackendConnectFailed(BackendNode node, Throwable cause) {
        }
    }

    private final BackendNode node;
    private final java.time.Instant opened = java.time.Instant.now();
    private Listener listener;
    private Channel channel;
    private Throwable failure;

    BackendConnection(BackendNode node, ProtocolLimits limits, Listener listener) {
        super(new FrameDecoder(FrameDecoder.Framing.TYPED, limits.backendMessage()));
        this.node = node;
        this.listener = listener;
    }

    /**
     * Hands the connection to a new owner (the session's node link once the startup is done, a
     * pool while it sits idle). Call on the channel's event loop.
     */
    public void rebind(Listener newListener) {
        this.listener = newListener;
    }

    public BackendNode node() {
        return node;
    }

    /** When the connection was started (SHOW pool_pools: backend_connection_time). */
    public java.time.Instant opened() {
        return opened;
    }

    /** The channel; set once connected. */
    public Channel channel() {
        return channel;
    }

    /** Why the connection failed, when it did not close normally. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void onFrame(ChannelHandlerContext ctx, byte type, ByteBuf frames, int start, int length) {
        listener.onBackendMessage(this, type, frames, start, length);
    }

    @Override
    protected void onFramesEnd(ChannelHandlerContext ctx) {
        listener.onBackendBatchEnd(this);
    }

    @Override
    protected void onReadComplete(ChannelHandlerContext ctx) {
        listener.onBackendReadComplete(this);
    }

    @Override
    protected void onFailure(ChannelHandlerContext ctx, PgException error) {
        failure = error;
        listener.onBackendProtocolFailure(this, error);
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        listener.onBackendWritabilityChanged(this, ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        listener.onBackendClosed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        if (cause instanceof IOException) {
            log.debug("connection to backend {} failed: {}", node.describe(), cause.toString());
        } else {
            log.warn("connection to backend {} failed", node.describe(), cause);
        }
        ctx.close();
    }
}
