package io.tidepool.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Logs in to one backend with credentials from pool_passwd (or a password the client gave),
 * answering whatever the backend asks: trust, cleartext, md5, SCRAM-SHA-256. No socket: the
 * session passes each Authentication ('R') body the backend sends to {@link #onRequest} and
 * sends what it answers. One instance per backend login; not thread-safe.
 *
 * <h2>Which pool_passwd format answers which backend method</h2>
 * <pre>
 *   backend method   clear text (TEXT, plain, AES)   md5 entry          SCRAM entry   no entry
 *   trust            in                              in                 in            in
 *   password         yes                             no                 no            no
 *   md5              yes                             yes                no            no
 *   scram-sha-256    yes                             no                 no            no
 * </pre>
 * (A PostgreSQL {@code md5} line whose role has a SCRAM-stored password asks for SCRAM.) When
 * the credentials cannot answer, the failure names the backend, the user and the fix.
 *
 * <h2>Against a lying backend</h2>
 * Each state accepts only the requests that can follow (at most three rounds); SCRAM
 * AuthenticationOk counts only after the server's signature was checked; an AuthenticationOk
 * that never asked for a password which the proxy could not check itself is refused
 * ({@link BackendCredentials#mustBeChecked()}).
 */
public final class BackendAuthenticator {

    /** What to do after a request. */
    public sealed interface Step {
        /** Send this 'p' frame to the backend and wait for its next request. */
        record Respond(byte[] frame) implements Step {
            public Respond {
                frame = frame.clone();
            }

            @Override
            public byte[] frame() {
                return frame.clone();
            }
        }

        /** Nothing to send; wait for the next request (after SASLFinal). */
        record Wait() implements Step {
        }

        /** AuthenticationOk accepted: go on reading ParameterStatus ... ReadyForQuery. */
        record Authenticated() implements Step {
        }

        /** The login cannot succeed. */
        record Failed(AuthFailure failure) implements Step {
        }
    }

    private enum State { START, SENT_PASSWORD, SASL_SENT_FIRST, SASL_SENT_FINAL, SASL_VERIFIED, DONE }

    private final String backendName;
    private final BackendCredentials credentials;
    private final SecureRandom random;
    private State state = State.START;
    private boolean passwordAsked;
    private ScramClientExchange scram;

    /**
     * @param backendName how messages name the backend, e.g. {@code node 0 (127.0.0.1:5432)}
     */
    public BackendAuthenticator(String backendName, BackendCredentials credentials, SecureRandom random) {
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The user to put in the StartupMessage sent to the backend. */
    public String backendUser() {
        return credentials.user();
    }

    /**
     * Handles one Authentication request body (Int32 code, then its data).
     */
    public Step onRequest(byte[] body) {
        if (body.length < 4) {
            return protocol("an Authentication message without a code");
        }
        int code = ByteBuffer.wrap(body).getInt();
        byte[] data = Arrays.copyOfRange(body, 4, body.length);
        State current = state;
        state = State.DONE;
        switch (code) {
            case AuthStep.AUTHENTICATION_OK:
                return onOk(current, data);
            case AuthStep.CLEARTEXT_PASSWORD:
                return current == State.START ? cleartext() : unexpected(code, current);
            case AuthStep.MD5_PASSWORD:
                return current == State.START ? md5(data) : unexpected(code, current);
            case AuthStep.SASL:
                return current == State.START ? saslStart(data) : unexpected(code, current);
            case AuthStep.SASL_CONTINUE:
                return current == State.SASL_SENT_FIRST ? saslContinue(data) : unexpected(code, current);
            case AuthStep.SASL_FINAL:
                return current == State.SASL_SENT_FINAL ? saslFinal(data) : unexpected(code, current);
            default:
                return new Step.Failed(new AuthFailure(AuthFailure.FEATURE_NOT_SUPPORTED,
                        "the database server " + backendName + " asks for an authentication method Tidepool "
                                + "does not support (request code " + code + ")",
                        Optional.of("use trust, password, md5 or scram-sha-256 for the proxy's address in the server's pg_hba.conf"),
                        "unsupported backend authentication request " + code));
        }
    }

    private Step onOk(State current, byte[] data) {
        if (data.length != 0) {
            return protocol("AuthenticationOk with " + data.length + " extra bytes");
        }
        if (current == State.SASL_SENT_FIRST || current == State.SASL_SENT_FINAL) {
            return protocol("it ended SCRAM without proving it knows the password");
        }
        if (current == State.START && credentials.mustBeChecked()) {
            return new Step.Failed(AuthFailure.passwordFailed(credentials.user(), "the database server " + backendName
                    + " let the user in without asking for a password, and pool_passwd has no entry to check the"
                    + " client's password against: an unchecked password is refused. Add a pool_passwd entry for \""
                    + credentials.user() + "\", or use trust for it in pool_hba.conf"));
        }
        return new Step.Authenticated();
    }

    private Step cleartext() {
        Optional<String> clear = clearPassword();
        if (clear.isEmpty()) {
            return cannotAnswer("a clear-text password");
        }
        passwordAsked = true;
        state = State.SENT_PASSWORD;
        return new Step.Respond(passwordFrame(clear.get()));
    }

    private Step md5(byte[] salt) {
        if (salt.length != 4) {
            return protocol("AuthenticationMD5Password with a " + salt.length + "-byte salt");
        }
        Optional<String> shadow = clearPassword().map(p -> Md5Hash.postgresShadow(credentials.user(), p))
                .or(() -> credentials.secret().filter(UserSecret.Md5Shadow.class::isInstance)
                        .map(s -> ((UserSecret.Md5Shadow) s).shadow()));
        if (shadow.isEmpty()) {
            return cannotAnswer("md5");
        }
        passwordAsked = true;
        state = State.SENT_PASSWORD;
        String answer = "md5" + Md5Hash.hex(shadow.get().substring(3).getBytes(StandardCharsets.US_ASCII), salt);
        return new Step.Respond(passwordFrame(answer));
    }

    private Step saslStart(byte[] data) {
        List<String> mechanisms = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                if (i == start) {
                    break;
                }
                mechanisms.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (!mechanisms.contains(ScramSha256.MECHANISM)) {
            return new Step.Failed(new AuthFailure(AuthFailure.FEATURE_NOT_SUPPORTED,
                    "the database server " + backendName + " offers no SASL mechanism Tidepool supports "
                            + mechanisms + "; SCRAM-SHA-256 is needed", Optional.empty(), "SASL mechanisms " + mechanisms));
        }
        Optional<String> clear = clearPassword();
        if (clear.isEmpty()) {
            return cannotAnswer("SCRAM-SHA-256");
        }
        byte[] nonce = new byte[18];
        random.nextBytes(nonce);
        scram = new ScramClientExchange(clear.get(), Base64.getEncoder().encodeToString(nonce));
        passwordAsked = true;
        byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
        byte[] mechanism = ScramSha256.MECHANISM.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer frame = ByteBuffer.allocate(1 + 4 + mechanism.length + 1 + 4 + first.length);
        frame.put((byte) 'p').putInt(4 + mechanism.length + 1 + 4 + first.length)
                .put(mechanism).put((byte) 0).putInt(first.length).put(first);
        state = State.SASL_SENT_FIRST;
        return new Step.Respond(frame.array());
    }

    private Step saslContinue(byte[] data) {
        try {
            byte[] fin = scram.serverFirst(data).getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(1 + 4 + fin.length);
            frame.put((byte) 'p').putInt(4 + fin.length).put(fin);
            state = State.SASL_SENT_FINAL;
            return new Step.Respond(frame.array());
        } catch (IllegalArgumentException e) {
            return protocol(e.getMessage());
        }
    }

    private Step saslFinal(byte[] data) {
        try {
            scram.serverFinal(data);
            state = State.SASL_VERIFIED;
            return new Step.Wait();
        } catch (IllegalArgumentException e) {
            return protocol(e.getMessage());
        }
    }

    /** True once a password, md5 answer or SCRAM proof was sent. */
    public boolean passwordWasAsked() {
        return passwordAsked;
    }

    private Optional<String> clearPassword() {
        return credentials.secret().filter(UserSecret.ClearText.class::isInstance)
                .map(s -> ((UserSecret.ClearText) s).password());
    }

    private Step cannotAnswer(String what) {
        String user = credentials.user();
        String has;
        String fix;
        Optional<UserSecret> secret = credentials.secret();
        if (secret.isEmpty()) {
            has = "pool_passwd has no entry for \"" + user + "\"";
            fix = "add one (tidepool pg_enc -m -u " + user + " for any method, tidepool pg_md5 -m -u " + user
                    + " for md5), or enable allow_clear_text_frontend_auth so clients give their password";
        } else if (secret.get() instanceof UserSecret.Md5Shadow) {
            has = "pool_passwd holds only an md5 hash for \"" + user + "\"";
            fix = "store the password itself as TEXT or AES (tidepool pg_enc -m -u " + user
                    + "), or make the server use md5 for this user";
        } else if (secret.get() instanceof UserSecret.Scram) {
            has = "pool_passwd holds only a SCRAM verifier for \"" + user + "\", which cannot log in to a server";
            fix = "store the password itself as TEXT or AES (tidepool pg_enc -m -u " + user + ")";
        } else {
            has = "the pool_passwd entry for \"" + user + "\" is unusable (" + ((UserSecret.Unusable) secret.get()).reason() + ")";
            fix = "fix the entry or the pool key";
        }
        String message = "the database server " + backendName + " asks for " + what + " authentication, but " + has;
        return new Step.Failed(new AuthFailure(AuthFailure.INVALID_PASSWORD, message, Optional.of(fix), message + "; " + fix));
    }

    private Step unexpected(int code, State current) {
        return protocol("authentication request " + code + " cannot follow " + current.name().toLowerCase().replace('_', ' '));
    }

    private Step protocol(String what) {
        return new Step.Failed(AuthFailure.protocol("the database server " + backendName
                + " broke the authentication protocol: " + what));
    }

    /** PasswordMessage 'p' with a NUL-terminated string. */
    static byte[] passwordFrame(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(1 + 4 + bytes.length + 1);
        frame.put((byte) 'p').putInt(4 + bytes.length + 1).put(bytes).put((byte) 0);
        return frame.array();
    }
}
