package io.tidepool.protocol;

import io.netty.buffer.ByteBuf;

/** Writing typed frames: type byte, length placeholder, body, then the length filled in. */
public final class Frames {
    private Frames() {
    }

    /** Length of a typed frame's header: {@code Byte1 type, Int32 length}. */
    public static final int HEADER_LENGTH = 5;

    /**
     * Writes the type and a placeholder length; returns the index to pass to {@link #end}.
     * Ownership: {@code out} stays the caller's.
     */
    public static int begin(ByteBuf out, byte type) {
        out.writeByte(type);
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        return lengthIndex;
    }

    /** Fills in the length of the frame started at {@code lengthIndex} (counts itself, not the type). */
    public static void end(ByteBuf out, int lengthIndex) {
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }

    /**
     * The body of a whole typed frame {@code frames[start, start + length)} as a slice (not
     * retained: valid while the caller holds {@code frames}).
     */
    public static ByteBuf body(ByteBuf frames, int start, int length) {
        return frames.slice(start + HEADER_LENGTH, length - HEADER_LENGTH);
    }

    /** Writes a body-less frame such as Sync or Terminate. Ownership: {@code out} stays the caller's. */
    public static void writeEmpty(ByteBuf out, byte type) {
        out.writeByte(type).writeInt(4);
    }

    /**
     * Throws 08P01 when a decoder left bytes unread: the frame was longer than its content.
     * Ownership: {@code body} stays the caller's.
     */
    public static void expectEnd(ByteBuf body, String message) {
        if (body.isReadable()) {
            throw PgException.protocolViolation(message + " has " + body.readableBytes() + " unexpected trailing bytes");
        }
    }

    /** Throws 08P01 unless at least {@code count} bytes are readable. Ownership: {@code body} stays the caller's. */
    public static void need(ByteBuf body, int count, String message) {
        if (body.readableBytes() < count) {
            throw PgException.protocolViolation(message + " is truncated: " + count + " more bytes expected, "
                    + body.readableBytes() + " present");
        }
    }
}
