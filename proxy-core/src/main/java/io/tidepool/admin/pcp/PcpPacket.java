package io.tidepool.admin.pcp;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One PCP packet (spec 1.2): a one-byte tag and its payload. On the wire the tag is followed
 * by an int32 length that counts itself and the payload, not the tag.
 *
 * <p>The payload is a private copy; PCP packets are small (requests are below 260 bytes), so
 * copying them out of Netty buffers keeps ownership simple: a packet never holds a
 * {@link ByteBuf}.
 */
public final class PcpPacket {

    /** Bytes of the length field. */
    public static final int LENGTH_FIELD = 4;

    private final byte tag;
    private final byte[] payload;

    private PcpPacket(byte tag, byte[] payload) {
        this.tag = tag;
        this.payload = payload;
    }

    public static PcpPacket of(char tag, byte[] payload) {
        return new PcpPacket(checkTag(tag), payload.clone());
    }

    /** Takes ownership of {@code payload} (no copy): for decoders that have just filled it. */
    static PcpPacket wrap(char tag, byte[] payload) {
        return new PcpPacket(checkTag(tag), payload);
    }

    /** A packet whose payload is the given strings, each followed by a NUL byte. */
    public static PcpPacket ofStrings(char tag, String... fields) {
        return ofStrings(tag, Arrays.asList(fields));
    }

    public static PcpPacket ofStrings(char tag, List<String> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String field : fields) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.write(0);
        }
        return new PcpPacket(checkTag(tag), out.toByteArray());
    }

    private static byte checkTag(char tag) {
        if (tag > 0xff) {
            throw new IllegalArgumentException("PCP tag " + (int) tag + " is not a byte");
        }
        return (byte) tag;
    }

    public char tag() {
        return (char) (tag & 0xff);
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** The value of the length field on the wire. */
    public int wireLength() {
        return LENGTH_FIELD + payload.length;
    }

    /** The payload byte at an index; callers check {@link #payloadLength()} first. */
    public byte payloadByte(int index) {
        return payload[index];
    }

    /**
     * The payload read as NUL-terminated strings. Bytes after the last NUL, if any, form one
     * more string (a lenient reading: some requests end with a raw byte).
     */
    public List<String> strings() {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                fields.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < payload.length) {
            fields.add(new String(payload, start, payload.length - start, StandardCharsets.UTF_8));
        }
        return fields;
    }

    /** Writes tag, length and payload. The caller owns {@code out}. */
    public void encode(ByteBuf out) {
        out.writeByte(tag);
        out.writeInt(wireLength());
        out.writeBytes(payload);
    }

    /** The packet as it goes on the wire. */
    public byte[] toBytes() {
        byte[] bytes = new byte[1 + wireLength()];
        bytes[0] = tag;
        int length = wireLength();
        bytes[1] = (byte) (length >>> 24);
        bytes[2] = (byte) (length >>> 16);
        bytes[3] = (byte) (length >>> 8);
        bytes[4] = (byte) length;
        System.arraycopy(payload, 0, bytes, 5, payload.length);
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcpPacket other && tag == other.tag && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tag, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("PcpPacket[").append(tag()).append(", ");
        for (byte b : payload) {
            if (b >= 0x20 && b < 0x7f) {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return text.append(']').toString();
    }
}
