package io.tidepool.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.HexFormat;
import java.util.function.Consumer;

/** Byte helpers for codec tests. */
public final class Bytes {
    private Bytes() {
    }

    /** What {@code writer} writes, as an array (the scratch buffer is released). */
    public static byte[] written(Consumer<ByteBuf> writer) {
        ByteBuf out = Unpooled.buffer();
        try {
            writer.accept(out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** Parses hex with optional spaces: {@code "51 00 00 00 0d"}. */
    public static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    /** Concatenation. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** The string's ASCII bytes and a terminating zero, as the protocol writes a String. */
    public static byte[] cstring(String text) {
        byte[] ascii = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(ascii, ascii.length + 1);
    }

    /** The string's ASCII bytes, no terminator. */
    public static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
