package io.tidepool.auth;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** What {@link FrontendAuthenticator} wants the session to do next. */
public sealed interface AuthStep {

    int AUTHENTICATION_OK = 0;
    int CLEARTEXT_PASSWORD = 3;
    int MD5_PASSWORD = 5;
    int SASL = 10;
    int SASL_CONTINUE = 11;
    int SASL_FINAL = 12;

    /**
     * Send this Authentication request and pass the client's next 'p' message body to
     * {@link FrontendAuthenticator#onResponse(byte[])}.
     *
     * @param code the request code (3 cleartext, 5 md5, 10 SASL, 11 SASLContinue)
     * @param data the bytes after the code (copied in and out)
     */
    record Challenge(int code, byte[] data) implements AuthStep {
        public Challenge {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The whole 'R' frame: type, length, code, data. */
        public byte[] frame() {
            return authenticationFrame(code, data);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Challenge that && code == that.code && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return code * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Challenge[code=" + code + ", " + data.length + " bytes]";
        }
    }

    /**
     * The client is in. The session sends {@link #finalFrames()} (SASLFinal when SCRAM ran, then
     * AuthenticationOk), logs in to the backends with {@code identity.backend()}, then goes on with
     * ParameterStatus, BackendKeyData and ReadyForQuery.
     */
    record Accepted(ClientIdentity identity, Optional<String> saslFinal) implements AuthStep {
        public Accepted {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(saslFinal, "saslFinal");
        }

        /** SASLFinal (when SCRAM ran) followed by AuthenticationOk, as one byte array. */
        public byte[] finalFrames() {
            byte[] ok = authenticationFrame(AUTHENTICATION_OK, new byte[0]);
            if (saslFinal.isEmpty()) {
                return ok;
            }
            byte[] fin = authenticationFrame(SASL_FINAL, saslFinal.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] both = Arrays.copyOf(fin, fin.length + ok.length);
            System.arraycopy(ok, 0, both, fin.length, ok.length);
            return both;
        }
    }

    /** The client is refused: send an ErrorResponse (FATAL) built from the failure and close. */
    record Refused(AuthFailure failure) implements AuthStep {
        public Refused {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** {@code 'R'}, Int32 length, Int32 code, data. */
    static byte[] authenticationFrame(int code, byte[] data) {
        ByteBuffer frame = ByteBuffer.allocate(1 + 4 + 4 + data.length);
        frame.put((byte) 'R').putInt(4 + 4 + data.length).putInt(code).put(data);
        return frame.array();
    }
}
