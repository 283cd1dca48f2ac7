package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.protocol.FrameDecoder;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Arrays;
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

/** Golden bytes for every backend message Tidepool decodes or writes. */
@ExtendWith(LeakDetection.class)
class BackendMessagesTest {

    @Test
    void authenticationOk() {
        byte[] expected = hex("52 00000008 00000000");
        assertThat(written(Authentication.Ok.INSTANCE::encode)).isEqualTo(expected);
        Authentication decoded = decode(expected, Authentication::decode);
        assertThat(decoded).isSameAs(Authentication.Ok.INSTANCE);
        assertThat(decoded.expectsResponse()).isFalse();
    }

    @Test
    void authenticationCleartextPassword() {
        byte[] expected = hex("52 00000008 00000003");
        assertThat(written(Authentication.CleartextPassword.INSTANCE::encode)).isEqualTo(expected);
        assertThat(decode(expected, Authentication::decode)).isSameAs(Authentication.CleartextPassword.INSTANCE);
    }

    @Test
    void authenticationMd5PasswordCarriesItsSalt() {
        byte[] expected = hex("52 0000000c 00000005 01020304");
        Authentication.Md5Password request = new Authentication.Md5Password(new byte[] {1, 2, 3, 4});
        assertThat(written(request::encode)).isEqualTo(expected);
        Authentication decoded = decode(expected, Authentication::decode);
        assertThat(decoded).isEqualTo(request);
        assertThat(decoded.expectsResponse()).isTrue();
    }

    @Test
    void authenticationSaslListsMechanisms() {
        byte[] expected = concat(hex("52 00000017 0000000a"), cstring("SCRAM-SHA-256"), hex("00"));
        Authentication.Sasl request = new Authentication.Sasl(List.of("SCRAM-SHA-256"));
        assertThat(written(request::encode)).isEqualTo(expected);
        assertThat(decode(expected, Authentication::decode)).isEqualTo(request);
    }

    @Test
    void authenticationSaslContinueExpectsAnAnswerAndSaslFinalDoesNot() {
        byte[] continueFrame = concat(hex("52 0000000d 0000000b"), ascii("r=abc"));
        byte[] finalFrame = concat(hex("52 0000000d 0000000c"), ascii("v=xyz"));
        Authentication next = decode(continueFrame, Authentication::decode);
        Authentication last = decode(finalFrame, Authentication::decode);
        assertThat(next).isEqualTo(new Authentication.Exchange(Authentication.SASL_CONTINUE, ascii("r=abc")));
        assertThat(next.expectsResponse()).isTrue();
        assertThat(last.expectsResponse()).isFalse();
        assertThat(written(next::encode)).isEqualTo(continueFrame);
        assertThat(written(last::encode)).isEqualTo(finalFrame);
    }

    @Test
    void backendKeyData() {
        byte[] expected = hex("4b 0000000c 000004d2 0000162e");
        BackendKeyData key = new BackendKeyData(1234, 5678);
        assertThat(written(key::encode)).isEqualTo(expected);
        assertThat(decode(expected, BackendKeyData::decode)).isEqualTo(key);
        assertThat(key.toString()).doesNotContain("5678");
        assertThat(key.secretKey()).isEqualTo(5678);
    }

    @Test
    void backendKeyDataOfProtocol32CarriesALongSecret() {
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) 0x5a);
        byte[] expected = concat(hex("4b 00000028 000004d2"), secret);
        BackendKeyData key = new BackendKeyData(1234, secret);
        assertThat(written(key::encode)).isEqualTo(expected);
        assertThat(decode(expected, BackendKeyData::decode)).isEqualTo(key);
        assertThatThrownBy(key::secretKey).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void backendKeyDataWithASecretOverTheLimitIsAProtocolViolation() {
        byte[] frame = concat(hex("4b 00000109 000004d2"), new byte[257]);
        assertThatThrownBy(() -> decode(frame, BackendKeyData::decode)).isInstanceOf(PgException.class)
                .hasMessage("BackendKeyData secret of 257 bytes exceeds limit 256");
    }

    @Test
    void parameterStatus() {
        byte[] expected = concat(hex("53 00000019"), cstring("client_encoding"), cstring("UTF8"));
        ParameterStatus status = new ParameterStatus("client_encoding", "UTF8");
        assertThat(written(status::encode)).isEqualTo(expected);
        assertThat(decode(expected, ParameterStatus::decode)).isEqualTo(status);
    }

    @Test
    void readyForQueryIsReadInPlace() {
        byte[] expected = hex("5a 00000005 54");
        assertThat(written(ReadyForQuery.IN_TRANSACTION::encode)).isEqualTo(expected);
        assertThat(decode(expected, ReadyForQuery::decode)).isSameAs(ReadyForQuery.IN_TRANSACTION);
        ByteBuf frames = Unpooled.wrappedBuffer(concat(hex("00 00"), expected));
        try {
            assertThat(ReadyForQuery.statusAt(frames, 2)).isEqualTo(TransactionStatus.IN_TRANSACTION);
        } finally {
            frames.release();
        }
    }

    @Test
    void readyForQueryWithAnUnknownStatusIsAProtocolViolation() {
        assertThatThrownBy(() -> decode(hex("5a 00000005 58"), ReadyForQuery::decode)).isInstanceOf(PgException.class)
                .hasMessage("invalid transaction status byte 88 in ReadyForQuery");
    }

    @Test
    void errorResponseBuiltByTheProxy() {
        byte[] expected = concat(hex("45 0000001f"), hex("53"), cstring("FATAL"), hex("56"), cstring("FATAL"),
                hex("43"), cstring("08P01"), hex("4d"), cstring("bad"), hex("00"));
        ErrorResponse error = ErrorResponse.of(Severity.FATAL, SqlState.PROTOCOL_VIOLATION, "bad");
        assertThat(written(error::encode)).isEqualTo(expected);
        ErrorResponse decoded = decode(expected, ErrorResponse::decode);
        assertThat(decoded).isEqualTo(error);
        assertThat(decoded.code()).isEqualTo("08P01");
        assertThat(decoded.severity()).isEqualTo("FATAL");
        assertThat(decoded.message()).isEqualTo("bad");
    }

    @Test
    void errorResponseCarriesDetailAndHint() {
        ErrorResponse error = ErrorResponse.of(new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE, "m", "d", "h"));
        ErrorResponse decoded = decode(written(error::encode), ErrorResponse::decode);
        assertThat(decoded.fields().get(ErrorFields.DETAIL)).contains("d");
        assertThat(decoded.fields().get(ErrorFields.HINT)).contains("h");
    }

    @Test
    void fatalSeverityIsRecognisedInPlace() {
        byte[] fatal = written(ErrorResponse.of(Severity.FATAL, SqlState.ADMIN_SHUTDOWN, "bye")::encode);
        byte[] error = written(ErrorResponse.of(Severity.ERROR, SqlState.QUERY_CANCELED, "stop")::encode);
        ByteBuf frames = Unpooled.wrappedBuffer(concat(fatal, error));
        try {
            assertThat(ErrorResponse.isFatal(frames, 0, fatal.length)).isTrue();
            assertThat(ErrorResponse.isFatal(frames, fatal.length, error.length)).isFalse();
        } finally {
            frames.release();
        }
    }

    @Test
    void noticeResponse() {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put('S', "NOTICE");
        fields.put('M', "hi");
        NoticeResponse notice = new NoticeResponse(new ErrorFields(fields));
        byte[] expected = concat(hex("4e 00000011"), hex("53"), cstring("NOTICE"), hex("4d"), cstring("hi"), hex("00"));
        assertThat(written(notice::encode)).isEqualTo(expected);
        assertThat(decode(expected, NoticeResponse::decode)).isEqualTo(notice);
    }

    @Test
    void commandComplete() {
        byte[] expected = concat(hex("43 0000000d"), cstring("SELECT 1"));
        assertThat(written(new CommandComplete("SELECT 1")::encode)).isEqualTo(expected);
        assertThat(decode(expected, CommandComplete::decode)).isEqualTo(new CommandComplete("SELECT 1"));
    }

    @Test
    void aStartupResponseStreamDecodesTheSameWhateverTheSplitPoint() {
        byte[] stream = concat(
                written(new Authentication.Md5Password(new byte[] {9, 8, 7, 6})::encode),
                written(Authentication.Ok.INSTANCE::encode),
                written(new ParameterStatus("server_version", "15.18")::encode),
                written(new BackendKeyData(77, 88)::encode),
                written(ReadyForQuery.IDLE::encode));
        for (int split = 0; split <= stream.length; split++) {
            List<Object> messages = new ArrayList<>();
            FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.TYPED, 1 << 16);
            ByteBuf cumulation = Unpooled.buffer();
            try {
                for (byte[] chunk : List.of(Arrays.copyOfRange(stream, 0, split), Arrays.copyOfRange(stream, split, stream.length))) {
                    cumulation.writeBytes(chunk);
                    while (decoder.next(cumulation)) {
                        ByteBuf body = cumulation.slice(decoder.frameStart() + 5, decoder.frameLength() - 5);
                        messages.add(switch (decoder.type()) {
                            case 'R' -> Authentication.decode(body);
                            case 'S' -> ParameterStatus.decode(body);
                            case 'K' -> BackendKeyData.decode(body);
                            case 'Z' -> ReadyForQuery.decode(body);
                            default -> throw new AssertionError("unexpected type " + decoder.type());
                        });
                    }
                }
                assertThat(cumulation.isReadable()).as("left over at split %d", split).isFalse();
            } finally {
                cumulation.release();
            }
            assertThat(messages).as("split at %d", split).containsExactly(
                    new Authentication.Md5Password(new byte[] {9, 8, 7, 6}), Authentication.Ok.INSTANCE,
                    new ParameterStatus("server_version", "15.18"), new BackendKeyData(77, 88), ReadyForQuery.IDLE);
        }
    }

    private static <T> T decode(byte[] frame, Function<ByteBuf, T> decoder) {
        ByteBuf in = Unpooled.wrappedBuffer(frame);
        try {
            assertThat(in.getInt(1)).as("length field").isEqualTo(frame.length - 1);
            T message = decoder.apply(in.slice(5, frame.length - 5));
            return message;
        } finally {
            in.release();
        }
    }
}
