package io.tidepool.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Null-terminated strings ({@code String} in the protocol chapter), read and written in UTF-8. */
public final class CStrings {
    private CStrings() {
    }

    /**
     * Reads one string at the reader index and moves past its terminator.
     * Ownership: {@code in} stays the caller's.
     *
     * @throws PgException 08P01 when no terminator is left in {@code in}
     */
    public static String read(ByteBuf in) {
        int end = end(in, in.readerIndex(), in.writerIndex());
        String value = get(in, in.readerIndex(), end);
        in.readerIndex(end + 1);
        return value;
    }

    /**
     * Index of the zero byte ending the string that starts at {@code from}, searching up to
     * {@code to} (exclusive): for reading names in place, without a slice. Ownership: {@code in}
     * stays the caller's.
     *
     * @throws PgException 08P01 when no terminator lies before {@code to}
     */
    public static int end(ByteBuf in, int from, int to) {
        int end = from < to ? in.indexOf(from, to, (byte) 0) : -1;
        if (end < 0) {
            throw PgException.protocolViolation("string without terminating zero byte in message");
        }
        return end;
    }

    /**
     * The string {@code in[from, end)} (as found by {@link #end}); the empty string, the unnamed
     * statement's and portal's name, costs no decoding. Ownership: {@code in} stays the caller's.
     */
    public static String get(ByteBuf in, int from, int end) {
        return end == from ? "" : in.toString(from, end - from, StandardCharsets.UTF_8);
    }

    /** Writes {@code value} and its terminator. Ownership: {@code out} stays the caller's. */
    public static void write(ByteBuf out, String value) {
        out.writeCharSequence(value, StandardCharsets.UTF_8);
        out.writeByte(0);
    }

    /** Encoded size of {@code value} including the terminator. */
    public static int size(String value) {
        return io.netty.buffer.ByteBufUtil.utf8Bytes(value) + 1;
    }
}
