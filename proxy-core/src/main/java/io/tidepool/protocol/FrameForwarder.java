package io.tidepool.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Collects whole frames that lie next to each other in one source buffer and writes them to
 * a channel as <em>one</em> retained slice: a read batch of 50 DataRows costs one write and
 * no copy. Call {@link #writeTo} before the source buffer can change (end of each read).
 *
 * <p>Not thread-safe; lives on the event loop of both channels.
 */
public final class FrameForwarder {
    private ByteBuf source;
    private int start;
    private int end;

    /**
     * Adds {@code frames[start, start + length)} to what will be written.
     * Ownership: {@code frames} is borrowed; nothing is retained until {@link #writeTo}.
     */
    public void add(ByteBuf frames, int frameStart, int length) {
        if (source == frames && end == frameStart) {
            end += length;
            return;
        }
        if (source != null) {
            throw new IllegalStateException("frames not adjacent: call writeTo before adding frames from elsewhere");
        }
        source = frames;
        start = frameStart;
        end = frameStart + length;
    }

    /**
     * Like {@link #add}, but when the frame does not continue the collected run (another
     * source, or a gap left by a frame that went elsewhere), the run is written to
     * {@code target} first. Ownership: {@code frames} is borrowed.
     */
    public void addOrWrite(Channel target, ByteBuf frames, int frameStart, int length) {
        if (source != null && (source != frames || end != frameStart)) {
            writeTo(target);
        }
        add(frames, frameStart, length);
    }

    /** Whether frames are waiting to be written. */
    public boolean isEmpty() {
        return source == null;
    }

    /**
     * Writes the collected frames as one retained slice (the channel releases it) without
     * flushing; returns whether anything was written. When {@code target} is closed the
     * frames are dropped.
     */
    public boolean writeTo(Channel target) {
        if (source == null) {
            return false;
        }
        ByteBuf frames = source;
        source = null;
        if (target == null || !target.isActive()) {
            return false;
        }
        target.write(frames.retainedSlice(start, end - start), target.voidPromise());
        return true;
    }

    /** Forgets the collected frames (nothing was retained, nothing to release). */
    public void clear() {
        source = null;
    }
}
