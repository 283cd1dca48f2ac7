package io.tidepool.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Splits a byte stream into PostgreSQL v3 frames without copying them.
 *
 * <p>Two framings exist (PostgreSQL protocol chapter, "Message Formats"): the untyped packets
 * a client sends first ({@code Int32 length} including itself, then a code and a body:
 * StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) and the typed messages of every
 * later exchange ({@code Byte1 type}, {@code Int32 length} including itself but not the type).
 *
 * <p>An explicit state machine: {@code HEADER} waits for the header and validates the length
 * against the limit <em>before</em> a single body byte is waited for, so a peer announcing
 * 1 GiB costs nothing; {@code BODY} waits until the whole frame is readable; {@code FAILED}
 * refuses to go on after a violation (the connection must be closed).
 *
 * <p>The decoder never retains, releases or copies the buffer it reads: the caller owns it.
 * Confined to one event loop, like the channel it serves.
 */
public final class FrameDecoder {

    /** Which of the two v3 framings the next frame uses. */
    public enum Framing {
        /** Untyped startup-phase packet: {@code Int32 length, body}. */
        STARTUP,
        /** Typed message: {@code Byte1 type, Int32 length, body}. */
        TYPED
    }

    private enum State { HEADER, BODY, FAILED }

    private Framing framing;
    private int limit;
    private State state = State.HEADER;

    private byte type;
    private int frameStart;
    private int frameLength;

    public FrameDecoder(Framing framing, int limit) {
        this.framing = framing;
        this.limit = limit;
    }

    /**
     * Changes framing and limit for the frames that follow. Only allowed between frames: the
     * startup phase ends after a frame, never in the middle of one.
     */
    public void reset(Framing newFraming, int newLimit) {
        if (state == State.BODY) {
            throw new IllegalStateException("cannot change framing in the middle of a frame");
        }
        this.framing = newFraming;
        this.limit = newLimit;
    }

    /** Raises or lowers the length limit for frames whose header has not been read yet. */
    public void setLimit(int newLimit) {
        this.limit = newLimit;
    }

    public Framing framing() {
        return framing;
    }

    /**
     * Looks for one complete frame at {@code in.readerIndex()}.
     *
     * <p>When this returns {@code true}, the frame's bytes (header included) are
     * {@code in[frameStart(), frameStart() + frameLength())} and the reader index has moved past
     * them. When it returns {@code false}, nothing was consumed: call again once more bytes
     * have been appended to {@code in}.
     *
     * <p>Ownership: {@code in} stays the caller's; nothing is retained or released.
     *
     * @throws PgException 08P01 when the length field is impossible or exceeds the limit; the
     *                     decoder is then unusable and the connection must be closed
     */
    public boolean next(ByteBuf in) {
        switch (state) {
            case HEADER:
                if (!readHeader(in)) {
                    return false;
                }
                state = State.BODY;
                // fall through: the body may already be there
            case BODY:
                if (in.readableBytes() < frameLength) {
                    return false;
                }
                frameStart = in.readerIndex();
                in.skipBytes(frameLength);
                state = State.HEADER;
                return true;
            case FAILED:
            default:
                throw new IllegalStateException("frame decoder failed earlier; the connection must be closed");
        }
    }

    private boolean readHeader(ByteBuf in) {
        int start = in.readerIndex();
        if (framing == Framing.TYPED) {
            if (in.readableBytes() < 5) {
                return false;
            }
            // Byte1 type, Int32 length (counts itself, not the type byte)
            byte messageType = in.getByte(start);
            int length = in.getInt(start + 1);
            checkLength(length, 4, "message");
            type = messageType;
            frameLength = length + 1;
        } else {
            if (in.readableBytes() < 4) {
                return false;
            }
            // Int32 length (counts itself), Int32 code, body
            int length = in.getInt(start);
            checkLength(length, 8, "startup packet");
            type = 0;
            frameLength = length;
        }
        return true;
    }

    private void checkLength(int length, int minimum, String what) {
        if (length < minimum) {
            state = State.FAILED;
            throw PgException.protocolViolation("invalid " + what + " length " + length + " (at least " + minimum
                    + " expected); the peer does not speak the PostgreSQL v3 protocol");
        }
        if (length > limit) {
            state = State.FAILED;
            throw PgException.protocolViolation(what + " length " + length + " exceeds limit " + limit);
        }
    }

    /** Type byte of the last frame returned ({@code 0} for startup-phase packets). */
    public byte type() {
        return type;
    }

    /** Index in the caller's buffer of the first byte of the last frame returned. */
    public int frameStart() {
        return frameStart;
    }

    /** Whole length of the last frame returned, header included. */
    public int frameLength() {
        return frameLength;
    }

    /** {@code true} when part of a frame has been seen but not all of it. */
    public boolean inFrame() {
        return state == State.BODY;
    }
}
