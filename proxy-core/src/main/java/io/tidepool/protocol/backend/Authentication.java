package io.tidepool.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Authentication ('R') requests: {@code Int32 code, body}. Each request either expects an
 * answer from the client ({@link #expectsResponse()}) or does not (Ok, SASLFinal). Relaying in
 * raw mode needs nothing more; a proxy that authenticates clients itself (DESIGN hard part 6)
 * builds on the same values.
 */
public sealed interface Authentication {
    int OK = 0;
    int KERBEROS_V5 = 2;
    int CLEARTEXT_PASSWORD = 3;
    int MD5_PASSWORD = 5;
    int GSS = 7;
    int GSS_CONTINUE = 8;
    int SSPI = 9;
    int SASL = 10;
    int SASL_CONTINUE = 11;
    int SASL_FINAL = 12;

    int code();

    /** Whether the client must answer with a 'p' message before the server goes on. */
    boolean expectsResponse();

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    default void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.AUTHENTICATION);
        out.writeInt(code());
        encodeBody(out);
        Frames.end(out, length);
    }

    /** Writes what follows the code. Ownership: {@code out} stays the caller's. */
    void encodeBody(ByteBuf out);

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    static Authentication decode(ByteBuf body) {
        Frames.need(body, 4, "Authentication");
        int code = body.readInt();
        Authentication request = switch (code) {
            case OK -> Ok.INSTANCE;
            case CLEARTEXT_PASSWORD -> CleartextPassword.INSTANCE;
            case MD5_PASSWORD -> {
                Frames.need(body, 4, "AuthenticationMD5Password");
                byte[] salt = new byte[4];
                body.readBytes(salt);
                yield new Md5Password(salt);
            }
            case SASL -> {
                List<String> mechanisms = new ArrayList<>();
                while (true) {
                    Frames.need(body, 1, "AuthenticationSASL");
                    if (body.getByte(body.readerIndex()) == 0) {
                        body.skipBytes(1);
                        break;
                    }
                    mechanisms.add(CStrings.read(body));
                }
                yield new Sasl(mechanisms);
            }
            case SASL_CONTINUE, SASL_FINAL, GSS_CONTINUE -> {
                byte[] data = new byte[body.readableBytes()];
                body.readBytes(data);
                yield new Exchange(code, data);
            }
            default -> {
                // Kerberos, GSS, SSPI, SCM credentials: relayed opaquely.
                byte[] data = new byte[body.readableBytes()];
                body.readBytes(data);
                yield new Exchange(code, data);
            }
        };
        Frames.expectEnd(body, "Authentication");
        return request;
    }

    /** AuthenticationOk: the client is in. */
    final class Ok implements Authentication {
        public static final Ok INSTANCE = new Ok();

        private Ok() {
        }

        @Override
        public int code() {
            return OK;
        }

        @Override
        public boolean expectsResponse() {
            return false;
        }

        @Override
        public void encodeBody(ByteBuf out) {
        }

        @Override
        public String toString() {
            return "AuthenticationOk";
        }
    }

    /** AuthenticationCleartextPassword. */
    final class CleartextPassword implements Authentication {
        public static final CleartextPassword INSTANCE = new CleartextPassword();

        private CleartextPassword() {
        }

        @Override
        public int code() {
            return CLEARTEXT_PASSWORD;
        }

        @Override
        public boolean expectsResponse() {
            return true;
        }

        @Override
        public void encodeBody(ByteBuf out) {
        }

        @Override
        public String toString() {
            return "AuthenticationCleartextPassword";
        }
    }

    /** AuthenticationMD5Password with its 4-byte salt (copied in and out). */
    final class Md5Password implements Authentication {
        private final byte[] salt;

        public Md5Password(byte[] salt) {
            if (salt.length != 4) {
                throw new IllegalArgumentException("md5 salt must be 4 bytes, got " + salt.length);
            }
            this.salt = salt.clone();
        }

        public byte[] salt() {
            return salt.clone();
        }

        @Override
        public int code() {
            return MD5_PASSWORD;
        }

        @Override
        public boolean expectsResponse() {
            return true;
        }

        @Override
        public void encodeBody(ByteBuf out) {
            out.writeBytes(salt);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Md5Password that && Arrays.equals(salt, that.salt);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(salt);
        }

        @Override
        public String toString() {
            return "AuthenticationMD5Password";
        }
    }

    /** AuthenticationSASL: the mechanisms the server offers, e.g. {@code SCRAM-SHA-256}. */
    record Sasl(List<String> mechanisms) implements Authentication {
        public Sasl {
            mechanisms = List.copyOf(mechanisms);
        }

        @Override
        public int code() {
            return SASL;
        }

        @Override
        public boolean expectsResponse() {
            return true;
        }

        @Override
        public void encodeBody(ByteBuf out) {
            mechanisms.forEach(mechanism -> CStrings.write(out, mechanism));
            out.writeByte(0);
        }
    }

    /**
     * A step carrying opaque bytes: SASLContinue (answer expected), SASLFinal (none expected),
     * and the GSS/SSPI family, relayed as they are.
     */
    final class Exchange implements Authentication {
        private final int code;
        private final byte[] data;

        public Exchange(int code, byte[] data) {
            this.code = code;
            this.data = data.clone();
        }

        public byte[] data() {
            return data.clone();
        }

        @Override
        public int code() {
            return code;
        }

        @Override
        public boolean expectsResponse() {
            return code != SASL_FINAL;
        }

        @Override
        public void encodeBody(ByteBuf out) {
            out.writeBytes(data);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Exchange that && code == that.code && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return code * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Authentication[code=" + code + ", " + data.length + " bytes]";
        }
    }
}
