package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Bind ('B'): {@code String portal, String statement, Int16 nf, Int16 format * nf, Int16 np,
 * (Int32 length, Byte * length) * np} (length -1 is NULL), {@code Int16 nr, Int16 format * nr}.
 *
 * <p>Immutable: parameter values are copied in and copied out.
 */
public final class Bind {
    private final String portal;
    private final String statement;
    private final List<Integer> parameterFormats;
    private final byte[][] parameterValues;
    private final List<Integer> resultFormats;

    public Bind(String portal, String statement, List<Integer> parameterFormats, List<byte[]> parameterValues,
            List<Integer> resultFormats) {
        this.portal = portal;
        this.statement = statement;
        this.parameterFormats = List.copyOf(parameterFormats);
        this.parameterValues = new byte[parameterValues.size()][];
        for (int i = 0; i < parameterValues.size(); i++) {
            byte[] value = parameterValues.get(i);
            this.parameterValues[i] = value == null ? null : value.clone();
        }
        this.resultFormats = List.copyOf(resultFormats);
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static Bind decode(ByteBuf body) {
        String portal = CStrings.read(body);
        String statement = CStrings.read(body);
        List<Integer> formats = readShorts(body);
        Frames.need(body, 2, "Bind");
        int count = body.readUnsignedShort();
        List<byte[]> values = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            Frames.need(body, 4, "Bind");
            int length = body.readInt();
            if (length < 0) {
                values.add(null);
            } else {
                Frames.need(body, length, "Bind");
                byte[] value = new byte[length];
                body.readBytes(value);
                values.add(value);
            }
        }
        List<Integer> resultFormats = readShorts(body);
        Frames.expectEnd(body, "Bind");
        return new Bind(portal, statement, formats, values, resultFormats);
    }

    private static List<Integer> readShorts(ByteBuf body) {
        Frames.need(body, 2, "Bind");
        int count = body.readUnsignedShort();
        Frames.need(body, 2 * count, "Bind");
        List<Integer> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add((int) body.readShort());
        }
        return values;
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.BIND);
        CStrings.write(out, portal);
        CStrings.write(out, statement);
        out.writeShort(parameterFormats.size());
        parameterFormats.forEach(out::writeShort);
        out.writeShort(parameterValues.length);
        for (byte[] value : parameterValues) {
            if (value == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(value.length).writeBytes(value);
            }
        }
        out.writeShort(resultFormats.size());
        resultFormats.forEach(out::writeShort);
        Frames.end(out, length);
    }

    public String portal() {
        return portal;
    }

    public String statement() {
        return statement;
    }

    public List<Integer> parameterFormats() {
        return parameterFormats;
    }

    public int parameterCount() {
        return parameterValues.length;
    }

    /** A copy of parameter {@code index}; empty for SQL NULL. */
    public Optional<byte[]> parameter(int index) {
        byte[] value = parameterValues[index];
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    public List<Integer> resultFormats() {
        return resultFormats;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bind that && portal.equals(that.portal) && statement.equals(that.statement)
                && parameterFormats.equals(that.parameterFormats) && Arrays.deepEquals(parameterValues, that.parameterValues)
                && resultFormats.equals(that.resultFormats);
    }

    @Override
    public int hashCode() {
        return portal.hashCode() * 31 + statement.hashCode();
    }

    @Override
    public String toString() {
        return "Bind[portal=" + portal + ", statement=" + statement + ", parameters=" + parameterValues.length + "]";
    }
}
