package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;

import java.util.ArrayList;
import java.util.List;

/**
 * Parse ('P'): {@code String statement, String query, Int16 n, Int32 oid * n}. An empty
 * statement name is the unnamed statement.
 */
public record Parse(String statement, String sql, List<Integer> parameterTypes) {

    public Parse {
        parameterTypes = List.copyOf(parameterTypes);
    }

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static Parse decode(ByteBuf body) {
        String statement = CStrings.read(body);
        String sql = CStrings.read(body);
        Frames.need(body, 2, "Parse");
        int count = body.readUnsignedShort();
        Frames.need(body, 4 * count, "Parse");
        List<Integer> types = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            types.add(body.readInt());
        }
        Frames.expectEnd(body, "Parse");
        return new Parse(statement, sql, types);
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        if (parameterTypes.size() > 0xffff) {
            throw PgException.protocolViolation("Parse cannot carry " + parameterTypes.size() + " parameter types (at most 65535)");
        }
        int length = Frames.begin(out, MessageType.PARSE);
        CStrings.write(out, statement);
        CStrings.write(out, sql);
        out.writeShort(parameterTypes.size());
        for (int oid : parameterTypes) {
            out.writeInt(oid);
        }
        Frames.end(out, length);
    }
}
