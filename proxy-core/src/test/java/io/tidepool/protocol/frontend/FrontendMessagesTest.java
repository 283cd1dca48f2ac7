package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.SqlState;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.tidepool.testing.Bytes.ascii;
import static io.tidepool.testing.Bytes.concat;
import static io.tidepool.testing.Bytes.cstring;
import static io.tidepool.testing.Bytes.hex;
import static io.tidepool.testing.Bytes.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Golden bytes for every frontend message: encode gives them, decode reads them back. */
@ExtendWith(LeakDetection.class)
class FrontendMessagesTest {

    @Test
    void startupMessageKeepsEveryParameterInOrder() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", "alice");
        parameters.put("database", "db");
        StartupMessage message = StartupMessage.of(parameters);
        byte[] expected = concat(hex("00000020 00030000"), cstring("user"), cstring("alice"), cstring("database"),
                cstring("db"), hex("00"));
        assertThat(written(message::encode)).isEqualTo(expected);
        assertThat(decodeStartup(expected)).isEqualTo(message);
        assertThat(message.user()).contains("alice");
        assertThat(message.database()).contains("db");
    }

    @Test
    void startupMessageWithoutDatabaseDefaultsItToTheUser() {
        assertThat(StartupMessage.of(Map.of("user", "bob")).database()).contains("bob");
    }

    @Test
    void startupMessageOfProtocolTwoIsRefusedWithFeatureNotSupported() {
        byte[] v2 = concat(hex("00000009 00020000"), hex("00"));
        assertThatThrownBy(() -> decodeStartup(v2))
                .isInstanceOf(PgException.class)
                .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED))
                .hasMessageStartingWith("unsupported frontend protocol 2.0");
    }

    @Test
    void startupMessageWithoutTerminatorIsAProtocolViolation() {
        byte[] unterminated = concat(hex("0000000f 00030000"), cstring("user"), ascii("ab"));
        assertThatThrownBy(() -> decodeStartup(unterminated)).isInstanceOf(PgException.class)
                .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION));
    }

    @Test
    void sslRequest() {
        byte[] expected = hex("00000008 04d2162f");
        assertThat(written(SslRequest.INSTANCE::encode)).isEqualTo(expected);
        assertThat(decodeStartup(expected)).isSameAs(SslRequest.INSTANCE);
    }

    @Test
    void gssEncRequest() {
        byte[] expected = hex("00000008 04d21630");
        assertThat(written(GssEncRequest.INSTANCE::encode)).isEqualTo(expected);
        assertThat(decodeStartup(expected)).isSameAs(GssEncRequest.INSTANCE);
    }

    @Test
    void cancelRequest() {
        byte[] expected = hex("00000010 04d2162e 000004d2 0000162e");
        CancelRequest request = new CancelRequest(1234, 5678);
        assertThat(written(request::encode)).isEqualTo(expected);
        assertThat(decodeStartup(expected)).isEqualTo(request);
        assertThat(request.toString()).doesNotContain("5678");
    }

    @Test
    void cancelRequestOfProtocol32CarriesALongSecret() {
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) 7);
        byte[] expected = concat(hex("0000002c 04d2162e 000004d2"), secret);
        CancelRequest request = new CancelRequest(1234, secret);
        assertThat(written(request::encode)).isEqualTo(expected);
        assertThat(decodeStartup(expected)).isEqualTo(request);
    }

    @Test
    void cancelRequestOfTheWrongSizeIsAProtocolViolation() {
        assertThatThrownBy(() -> decodeStartup(hex("0000000c 04d2162e 000004d2"))).isInstanceOf(PgException.class)
                .hasMessageContaining("CancelRequest body has 4 bytes, 8 to 260 expected");
    }

    @Test
    void query() {
        byte[] expected = concat(hex("51 0000000d"), cstring("SELECT 1"));
        assertThat(written(new Query("SELECT 1")::encode)).isEqualTo(expected);
        assertThat(decodeTyped(expected, Query::decode)).isEqualTo(new Query("SELECT 1"));
    }

    @Test
    void queryWithTrailingBytesIsAProtocolViolation() {
        byte[] trailing = concat(hex("51 0000000e"), cstring("SELECT 1"), hex("00"));
        assertThatThrownBy(() -> decodeTyped(trailing, Query::decode)).isInstanceOf(PgException.class)
                .hasMessage("Query has 1 unexpected trailing bytes");
        assertThatThrownBy(() -> sqlInPlace(trailing)).isInstanceOf(PgException.class)
                .hasMessage("Query has 1 unexpected trailing bytes");
    }

    @Test
    void queryStringReadInPlaceFromAFrameAmongOthers() {
        byte[] query = concat(hex("51 0000000d"), cstring("SELECT 1"));
        assertThat(sqlInPlace(query)).isEqualTo("SELECT 1");
        byte[] unterminated = concat(hex("51 0000000c"), ascii("SELECT 1"));
        assertThatThrownBy(() -> sqlInPlace(unterminated)).isInstanceOf(PgException.class)
                .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION));
    }

    /** Query.sqlOf on {@code frame} placed between two other bytes, as in a read buffer. */
    private static String sqlInPlace(byte[] frame) {
        ByteBuf in = Unpooled.wrappedBuffer(concat(hex("00"), frame, cstring("SELECT 2")));
        try {
            return Query.sqlOf(in, 1, frame.length);
        } finally {
            in.release();
        }
    }

    @Test
    void parse() {
        Parse parse = new Parse("s1", "SELECT $1", List.of(23));
        byte[] expected = concat(hex("50 00000017"), cstring("s1"), cstring("SELECT $1"), hex("0001 00000017"));
        assertThat(written(parse::encode)).isEqualTo(expected);
        assertThat(decodeTyped(expected, Parse::decode)).isEqualTo(parse);
    }

    @Test
    void parseClaimingMoreParameterTypesThanItCarriesIsAProtocolViolation() {
        byte[] truncated = concat(hex("50 00000013"), cstring("s1"), cstring("SELECT $1"), hex("0002"));
        assertThatThrownBy(() -> decodeTyped(truncated, Parse::decode)).isInstanceOf(PgException.class)
                .hasMessageContaining("Parse is truncated");
    }

    @Test
    void bindWithTextParameterNullAndBinaryResult() {
        Bind bind = new Bind("", "s1", List.of(0), java.util.Arrays.asList(ascii("42"), null), List.of(1));
        byte[] expected = concat(hex("42 0000001c"), cstring(""), cstring("s1"), hex("0001 0000"),
                hex("0002 00000002"), ascii("42"), hex("ffffffff"), hex("0001 0001"));
        assertThat(written(bind::encode)).isEqualTo(expected);
        Bind decoded = decodeTyped(expected, Bind::decode);
        assertThat(decoded).isEqualTo(bind);
        assertThat(decoded.parameter(0)).hasValueSatisfying(value -> assertThat(value).isEqualTo(ascii("42")));
        assertThat(decoded.parameter(1)).isEmpty();
    }

    @Test
    void passwordMessage() {
        byte[] expected = concat(hex("70 0000000b"), cstring("secret"));
        assertThat(written(new PasswordMessage("secret")::encode)).isEqualTo(expected);
        assertThat(decodeTyped(expected, PasswordMessage::decode)).isEqualTo(new PasswordMessage("secret"));
        assertThat(new PasswordMessage("secret").toString()).doesNotContain("secret");
    }

    @Test
    void saslInitialResponse() {
        SaslInitialResponse response = new SaslInitialResponse("SCRAM-SHA-256", ascii("n,,n=,r=abc"));
        byte[] expected = concat(hex("70 00000021"), cstring("SCRAM-SHA-256"), hex("0000000b"), ascii("n,,n=,r=abc"));
        assertThat(written(response::encode)).isEqualTo(expected);
        assertThat(decodeTyped(expected, SaslInitialResponse::decode)).isEqualTo(response);
    }

    @Test
    void saslResponse() {
        SaslResponse response = new SaslResponse(ascii("c=biws"));
        byte[] expected = concat(hex("70 0000000a"), ascii("c=biws"));
        assertThat(written(response::encode)).isEqualTo(expected);
        assertThat(decodeTyped(expected, SaslResponse::decode)).isEqualTo(response);
    }

    @Test
    void syncAndTerminate() {
        assertThat(readAndRelease(Sync.frame())).isEqualTo(hex("53 00000004"));
        assertThat(readAndRelease(Terminate.frame())).isEqualTo(hex("58 00000004"));
    }

    private static byte[] readAndRelease(ByteBuf frame) {
        try {
            return io.netty.buffer.ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static StartupPacket decodeStartup(byte[] packet) {
        ByteBuf in = Unpooled.wrappedBuffer(packet);
        try {
            return StartupPacket.decode(in);
        } finally {
            in.release();
        }
    }

    /** Decodes the body of a whole typed frame. */
    static <T> T decodeTyped(byte[] frame, Function<ByteBuf, T> decoder) {
        ByteBuf in = Unpooled.wrappedBuffer(frame);
        try {
            assertThat(in.getInt(1)).as("length field").isEqualTo(frame.length - 1);
            return decoder.apply(in.slice(5, frame.length - 5));
        } finally {
            in.release();
        }
    }
}
