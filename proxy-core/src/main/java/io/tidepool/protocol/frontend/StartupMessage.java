package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.SqlState;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * StartupMessage: {@code Int32 length, Int32 version, (String name, String value)*, Byte1 0}.
 * Every parameter is kept, in the client's order ({@code user}, {@code database},
 * {@code options}, {@code application_name}, {@code replication}, GUCs, {@code _pq_.*}).
 */
public record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {

    public StartupMessage {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static StartupMessage of(Map<String, String> parameters) {
        return new StartupMessage(PROTOCOL_3_0, parameters);
    }

    static StartupMessage decodeBody(int version, ByteBuf body) {
        int major = version >>> 16;
        if (major != 3) {
            throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol "
                    + major + "." + (version & 0xffff) + ": only protocol 3 is served; upgrade the client library");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            if (!body.isReadable()) {
                throw PgException.protocolViolation("StartupMessage lacks its terminating zero byte");
            }
            if (body.getByte(body.readerIndex()) == 0) {
                body.skipBytes(1);
                break;
            }
            String name = CStrings.read(body);
            String value = CStrings.read(body);
            parameters.put(name, value);
        }
        if (body.isReadable()) {
            throw PgException.protocolViolation("StartupMessage has " + body.readableBytes() + " bytes after its end");
        }
        return new StartupMessage(version, parameters);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0).writeInt(protocolVersion);
        parameters.forEach((name, value) -> {
            CStrings.write(out, name);
            CStrings.write(out, value);
        });
        out.writeByte(0);
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }

    /** The role name the client asked for; empty when the packet carries none (the backend rejects it). */
    public Optional<String> user() {
        return Optional.ofNullable(parameters.get("user"));
    }

    /** The database; PostgreSQL defaults it to the user name. */
    public Optional<String> database() {
        return Optional.ofNullable(parameters.getOrDefault("database", parameters.get("user")));
    }
}
