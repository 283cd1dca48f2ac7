package io.tidepool.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * The inbound end of a proxied connection: accumulates what the socket delivers, cuts it into
 * whole frames with a {@link FrameDecoder} and hands each frame <em>in place</em> to
 * {@link #onFrame}: no slice, no copy, no per-message object. A subclass that forwards frames
 * retains one slice per read batch (see {@link FrameForwarder}).
 *
 * <p>Why not {@code ByteToMessageDecoder}: it emits one object per message through the
 * pipeline, and it calls {@code read()} after a batch that produced no message, which would
 * defeat the back-pressure a proxy needs (auto-read off while the peer is unwritable).
 *
 * <p>Buffer ownership: this handler owns the cumulation; the {@code ByteBuf} passed to
 * {@code onFrame} is borrowed for the duration of the call. Confined to the channel's event loop.
 */
public abstract class FrameInboundHandler extends ChannelInboundHandlerAdapter {

    protected final FrameDecoder decoder;
    private ByteBuf cumulation;
    private boolean paused;
    private boolean failed;

    protected FrameInboundHandler(FrameDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * One whole frame, bytes {@code frames[start, start + length)}, header included.
     * Ownership: {@code frames} is borrowed; retain a slice to keep any part of it.
     *
     * @throws PgException to end the connection with that error ({@link #onFailure} is called)
     */
    protected abstract void onFrame(ChannelHandlerContext ctx, byte type, ByteBuf frames, int start, int length);

    /** End of the frames of one read (write out what was collected). Default: nothing. */
    protected void onFramesEnd(ChannelHandlerContext ctx) {
    }

    /** End of a read batch of the socket (flush what was written). Default: nothing. */
    protected void onReadComplete(ChannelHandlerContext ctx) {
    }

    /** The input broke the protocol or {@link #onFrame} failed; nothing more is decoded. */
    protected abstract void onFailure(ChannelHandlerContext ctx, PgException error);

    /** Stops handing out frames; bytes keep accumulating until {@link #resume}. */
    protected final void pause() {
        paused = true;
    }

    /** Hands out the frames accumulated while paused. Call on the event loop. */
    protected final void resume(ChannelHandlerContext ctx) {
        paused = false;
        drain(ctx);
    }

    /** Takes ownership of {@code msg}: it joins the cumulation (or is released when unusable). */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed || !(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        // MERGE_CUMULATOR takes ownership of both buffers; it copies only when slices of the
        // old cumulation are still out (refCnt > 1), i.e. just the partial frame at its end.
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        drain(ctx);
    }

    private void drain(ChannelHandlerContext ctx) {
        ByteBuf frames = cumulation;
        if (frames == null || failed) {
            return;
        }
        try {
            while (!paused && decoder.next(frames)) {
                onFrame(ctx, decoder.type(), frames, decoder.frameStart(), decoder.frameLength());
                if (failed || cumulation != frames) {
                    return;
                }
            }
            onFramesEnd(ctx);
        } catch (RuntimeException e) {
            fail(ctx, PgException.from(e));
            return;
        }
        if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        }
    }

    private void fail(ChannelHandlerContext ctx, PgException error) {
        failed = true;
        onFailure(ctx, error);
        releaseCumulation();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (cumulation != null && cumulation.refCnt() == 1) {
            // No slice is out: compacting cannot move bytes under anyone's feet.
            cumulation.discardSomeReadBytes();
        }
        onReadComplete(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseCumulation();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseCumulation();
    }

    /** Whether a frame has started arriving but is not complete (a peer vanishing now cut it). */
    protected final boolean hasPartialFrame() {
        return cumulation != null && cumulation.isReadable();
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            ByteBuf old = cumulation;
            cumulation = null;
            old.release();
        }
    }
}
