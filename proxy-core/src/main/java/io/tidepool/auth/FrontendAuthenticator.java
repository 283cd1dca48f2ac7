package io.tidepool.auth;

import io.tidepool.auth.hba.HbaClient;
import io.tidepool.auth.hba.HbaMethod;
import io.tidepool.auth.hba.HbaRule;
import io.tidepool.auth.hba.PoolHba;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates one client on the proxy's own account (DESIGN hard part 6), over the
 * PostgreSQL protocol but without touching a socket: the session feeds it the client's 'p'
 * message bodies and does what each {@link AuthStep} says. One instance per login; not
 * thread-safe (it lives on the session's event loop).
 *
 * <h2>Outcomes per method and pool_passwd entry</h2>
 * <ul>
 *   <li>{@code trust}: in, no exchange. {@code reject} and no matching line: 28000.</li>
 *   <li>{@code cert}: the TLS layer has verified the client certificate against the CA; its
 *       common name must equal the user (28000 otherwise).</li>
 *   <li>{@code password}: cleartext request; checked against any entry (clear text, md5
 *       shadow, SCRAM verifier). No entry: the password goes to the backends unverified and a
 *       backend must check it ({@link BackendCredentials#mustBeChecked()}).</li>
 *   <li>{@code md5}: salted md5 challenge against a clear-text or md5 entry.
 *       {@code scram-sha-256}: SCRAM against a verifier or a clear-text entry.</li>
 *   <li>md5 or SCRAM without an entry that can check it (no entry, or the other hash):
 *       with {@code allow_clear_text_frontend_auth} the client is asked for a cleartext
 *       password instead (checked against the entry when there is one, else by the backend);
 *       without it the exchange runs to the end with a mock secret and fails.</li>
 * </ul>
 *
 * <h2>What a client cannot learn</h2>
 * Unknown user, wrong password, an AES entry without its key, an entry in a format the method
 * cannot use: the client sees the same exchange and the same 28P01
 * {@code password authentication failed for user "..."} with the same hint naming pool_passwd
 * ({@link AuthFailure#clientPasswordFailed}); only the log tells them apart.
 * For SCRAM an unknown user gets a salt derived from the user name and a per-process secret,
 * stable across attempts like a real one. Every comparison is constant-time.
 */
public final class FrontendAuthenticator {

    /**
     * @param allowClearTextFrontendAuth pgpool-II's {@code allow_clear_text_frontend_auth}
     * @param mockSecret                 per-process random bytes behind mock SCRAM salts
     * @param scramIterations            iterations for verifiers made from clear-text entries
     */
    public record Settings(boolean allowClearTextFrontendAuth, byte[] mockSecret, int scramIterations) {
        public Settings {
            mockSecret = mockSecret.clone();
            if (mockSecret.length < 16) {
                throw new IllegalArgumentException("the mock secret must have at least 16 bytes");
            }
            if (scramIterations < 1) {
                throw new IllegalArgumentException("scramIterations must be positive");
            }
        }

        @Override
        public byte[] mockSecret() {
            return mockSecret.clone();
        }

        /** Settings with a fresh random mock secret and PostgreSQL's default iteration count. */
        public static Settings of(boolean allowClearTextFrontendAuth, SecureRandom random) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            return new Settings(allowClearTextFrontendAuth, secret, ScramSha256.DEFAULT_ITERATIONS);
        }
    }

    private enum Expect { NOTHING, CLEARTEXT, MD5, SASL_INITIAL, SASL_FINAL }

    private final Settings settings;
    private final PoolPasswdStore store;
    private final SecureRandom random;

    private Expect expect = Expect.NOTHING;
    private String user;
    private HbaMethod method;
    private Optional<UserSecret> secret = Optional.empty();
    private byte[] md5Salt;
    private ScramServerExchange scram;
    private String doomedReason;

    public FrontendAuthenticator(Settings settings, PoolPasswdStore store, SecureRandom random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Starts with the pool_hba.conf decision for the client.
     *
     * @param rule                  the first matching rule; empty when none matched
     * @param certificateCommonName the CN of the client certificate the TLS layer verified, if any
     */
    public AuthStep start(HbaClient client, Optional<HbaRule> rule, Optional<String> certificateCommonName) {
        if (rule.isEmpty()) {
            return refuse(AuthFailure.authorization(PoolHba.noEntryMessage(client), "no pool_hba.conf line matches"));
        }
        HbaRule matched = rule.get();
        if (matched.method() == HbaMethod.REJECT) {
            return refuse(AuthFailure.authorization(PoolHba.rejectMessage(client), "rejected by " + matched.location()));
        }
        if (matched.method() != HbaMethod.CERT && matched.clientCert() != HbaRule.ClientCertCheck.NONE) {
            if (certificateCommonName.isEmpty()) {
                return refuse(AuthFailure.authorization("connection requires a valid client certificate",
                        matched.location() + " has clientcert and the client sent no trusted certificate"));
            }
            if (matched.clientCert() == HbaRule.ClientCertCheck.VERIFY_FULL
                    && !certificateCommonName.get().equals(client.user())) {
                return refuse(certificateFailure(client.user(), certificateCommonName.get()));
            }
        }
        return start(client.user(), matched.method(), certificateCommonName);
    }

    /**
     * Starts with a method decided elsewhere ({@code enable_pool_hba = off}: the method the
     * main backend asks for).
     */
    public AuthStep start(String user, HbaMethod method, Optional<String> certificateCommonName) {
        if (this.method != null) {
            throw new IllegalStateException("an authenticator serves one login");
        }
        this.user = Objects.requireNonNull(user, "user");
        this.method = Objects.requireNonNull(method, "method");
        secret = store.clientSecret(user);
        switch (method) {
            case REJECT:
                return refuse(AuthFailure.authorization("connection rejected for user \"" + user + "\"", "reject"));
            case TRUST:
                return accept(backendFromStore());
            case CERT:
                if (certificateCommonName.isEmpty()) {
                    return refuse(AuthFailure.authorization("connection requires a valid client certificate",
                            "cert method and no trusted client certificate"));
                }
                if (!certificateCommonName.get().equals(user)) {
                    return refuse(certificateFailure(user, certificateCommonName.get()));
                }
                return accept(backendFromStore());
            case PASSWORD:
                return askCleartext();
            case MD5:
                return startMd5();
            case SCRAM_SHA_256:
                return startScram();
            default:
                throw new IllegalStateException("method " + method);
        }
    }

    /** Handles the body of the client's 'p' message (the bytes after the length field). */
    public AuthStep onResponse(byte[] body) {
        Expect expected = expect;
        expect = Expect.NOTHING;
        switch (expected) {
            case CLEARTEXT:
                return onCleartext(body);
            case MD5:
                return onMd5(body);
            case SASL_INITIAL:
                return onSaslInitial(body);
            case SASL_FINAL:
                return onSaslFinal(body);
            default:
                return refuse(AuthFailure.protocol("unexpected password message: no authentication request is pending"));
        }
    }

    // ---------------------------------------------------------------- cleartext

    private AuthStep askCleartext() {
        expect = Expect.CLEARTEXT;
        return new AuthStep.Challenge(AuthStep.CLEARTEXT_PASSWORD, new byte[0]);
    }

    private AuthStep onCleartext(byte[] body) {
        Optional<String> password = cString(body);
        if (password.isEmpty()) {
            return refuse(AuthFailure.protocol("invalid password packet: expected one NUL-terminated string"));
        }
        String given = password.get();
        if (given.isEmpty()) {
            return refuse(AuthFailure.emptyPassword(user));
        }
        if (secret.isEmpty()) {
            // Nobody here can check it: the backend must (BackendCredentials.mustBeChecked).
            return accept(BackendCredentials.unverifiedFromClient(user, given));
        }
        boolean matches;
        UserSecret known = secret.get();
        if (known instanceof UserSecret.ClearText clear) {
            matches = ScramSha256.constantTimeEquals(clear.password(), given);
        } else if (known instanceof UserSecret.Md5Shadow md5) {
            matches = ScramSha256.constantTimeEquals(md5.shadow(), Md5Hash.postgresShadow(user, given));
        } else if (known instanceof UserSecret.Scram scramSecret) {
            matches = scramSecret.verifier().verifiesPassword(given);
        } else {
            return refuse(AuthFailure.clientPasswordFailed(user, "pool_passwd entry unusable: "
                    + ((UserSecret.Unusable) known).reason()));
        }
        if (!matches) {
            return refuse(AuthFailure.clientPasswordFailed(user, "wrong password (cleartext)"));
        }
        return accept(backendAfterClearPassword(given));
    }

    // ---------------------------------------------------------------- md5

    private AuthStep startMd5() {
        Optional<String> shadow = secret.flatMap(this::md5ShadowOf);
        if (shadow.isEmpty()) {
            String why = whyNot("md5");
            if (settings.allowClearTextFrontendAuth()) {
                return askCleartext();
            }
            doomedReason = why;
        }
        md5Salt = new byte[4];
        random.nextBytes(md5Salt);
        expect = Expect.MD5;
        return new AuthStep.Challenge(AuthStep.MD5_PASSWORD, md5Salt);
    }

    private Optional<String> md5ShadowOf(UserSecret known) {
        if (known instanceof UserSecret.Md5Shadow md5) {
            return Optional.of(md5.shadow());
        }
        if (known instanceof UserSecret.ClearText clear) {
            return Optional.of(Md5Hash.postgresShadow(user, clear.password()));
        }
        return Optional.empty();
    }

    private AuthStep onMd5(byte[] body) {
        Optional<String> response = cString(body);
        if (response.isEmpty()) {
            return refuse(AuthFailure.protocol("invalid password packet: expected one NUL-terminated string"));
        }
        if (response.get().isEmpty()) {
            return refuse(AuthFailure.emptyPassword(user));
        }
        // A doomed exchange still computes an expected answer, from a random shadow.
        String shadow = secret.flatMap(this::md5ShadowOf).orElseGet(this::randomShadow);
        String expected = "md5" + Md5Hash.hex(shadow.substring(3).getBytes(StandardCharsets.US_ASCII), md5Salt);
        boolean matches = ScramSha256.constantTimeEquals(expected, response.get());
        if (doomedReason != null || !matches) {
            return refuse(AuthFailure.clientPasswordFailed(user, doomedReason != null ? doomedReason : "wrong password (md5)"));
        }
        return accept(backendFromStore());
    }

    private String randomShadow() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "md5" + HexFormat.of().formatHex(bytes);
    }

    // ---------------------------------------------------------------- SCRAM

    private AuthStep startScram() {
        Optional<ScramVerifier> verifier = secret.flatMap(this::scramVerifierOf);
        boolean doomed = verifier.isEmpty();
        if (doomed) {
            String why = whyNot("scram-sha-256");
            if (settings.allowClearTextFrontendAuth()) {
                return askCleartext();
            }
            doomedReason = why;
        }
        scram = new ScramServerExchange(verifier.orElseGet(this::mockVerifier), doomed, nonce());
        expect = Expect.SASL_INITIAL;
        byte[] mechanisms = (ScramSha256.MECHANISM + "\0\0").getBytes(StandardCharsets.US_ASCII);
        return new AuthStep.Challenge(AuthStep.SASL, mechanisms);
    }

    private Optional<ScramVerifier> scramVerifierOf(UserSecret known) {
        if (known instanceof UserSecret.Scram s) {
            return Optional.of(s.verifier());
        }
        if (known instanceof UserSecret.ClearText clear && !clear.password().isEmpty()) {
            byte[] salt = new byte[ScramSha256.SALT_LENGTH];
            random.nextBytes(salt);
            return Optional.of(ScramVerifier.fromPassword(clear.password(), salt, settings.scramIterations()));
        }
        return Optional.empty();
    }

    /**
     * A verifier no password matches, with a salt that depends only on the user name and the
     * process's secret: probing the same unknown user twice shows the same salt, as for a real
     * user.
     */
    private ScramVerifier mockVerifier() {
        byte[] digest = ScramSha256.hmac(settings.mockSecret(), "mock-salt:" + user);
        byte[] keys = ScramSha256.hmac(settings.mockSecret(), "mock-keys:" + user);
        return new ScramVerifier(settings.scramIterations(), Arrays.copyOf(digest, ScramSha256.SALT_LENGTH),
                keys, ScramSha256.sha256(keys));
    }

    private String nonce() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private AuthStep onSaslInitial(byte[] body) {
        // SASLInitialResponse: String mechanism, Int32 length (-1 = none), Byte[length]
        int nul = indexOfNul(body);
        if (nul < 0) {
            return refuse(AuthFailure.protocol("invalid SASL initial response: no mechanism name"));
        }
        String mechanism = new String(body, 0, nul, StandardCharsets.UTF_8);
        if (!mechanism.equals(ScramSha256.MECHANISM)) {
            return refuse(AuthFailure.protocol("client selected an invalid SASL authentication mechanism"));
        }
        int at = nul + 1;
        if (body.length - at < 4) {
            return refuse(AuthFailure.protocol("invalid SASL initial response: no length"));
        }
        int length = ((body[at] & 0xff) << 24) | ((body[at + 1] & 0xff) << 16) | ((body[at + 2] & 0xff) << 8)
                | (body[at + 3] & 0xff);
        at += 4;
        if (length < 0 || length != body.length - at) {
            return refuse(AuthFailure.protocol("invalid SASL initial response: length " + length + " does not match"));
        }
        try {
            String serverFirst = scram.clientFirst(Arrays.copyOfRange(body, at, body.length));
            expect = Expect.SASL_FINAL;
            return new AuthStep.Challenge(AuthStep.SASL_CONTINUE, serverFirst.getBytes(StandardCharsets.US_ASCII));
        } catch (ScramServerExchange.ScramException e) {
            return refuse(AuthFailure.protocol(e.getMessage()));
        }
    }

    private AuthStep onSaslFinal(byte[] body) {
        try {
            String serverFinal = scram.clientFinal(body);
            return new AuthStep.Accepted(new ClientIdentity(user, method, backendFromStore()), Optional.of(serverFinal));
        } catch (ScramServerExchange.ScramException e) {
            if (e.failure() == ScramServerExchange.Failure.MALFORMED) {
                return refuse(AuthFailure.protocol(e.getMessage()));
            }
            return refuse(AuthFailure.clientPasswordFailed(user, doomedReason != null ? doomedReason : "wrong password (SCRAM proof)"));
        }
    }

    // ---------------------------------------------------------------- helpers

    private String whyNot(String what) {
        if (secret.isEmpty()) {
            return "no pool_passwd entry for the user";
        }
        UserSecret known = secret.get();
        if (known instanceof UserSecret.Unusable unusable) {
            return "pool_passwd entry unusable: " + unusable.reason();
        }
        String format = known instanceof UserSecret.Scram ? "a SCRAM verifier" : "an md5 hash";
        return "pool_passwd holds " + format + ", which cannot check " + what
                + "; store the password as TEXT or AES (pg_enc -m), or set allow_clear_text_frontend_auth";
    }

    private BackendCredentials backendFromStore() {
        return store.backendCredentials(user).orElseGet(() -> BackendCredentials.none(user));
    }

    /** After a verified clear password: the backend gets it too, unless pool_passwd maps to another backend user. */
    private BackendCredentials backendAfterClearPassword(String password) {
        Optional<PoolPasswdEntry> entry = store.find(user);
        if (entry.isPresent() && entry.get().backendUser().isPresent()) {
            return backendFromStore();
        }
        return new BackendCredentials(user, Optional.of(new UserSecret.ClearText(password)), false);
    }

    private AuthStep accept(BackendCredentials backend) {
        expect = Expect.NOTHING;
        return new AuthStep.Accepted(new ClientIdentity(user, method, backend), Optional.empty());
    }

    private AuthStep refuse(AuthFailure failure) {
        expect = Expect.NOTHING;
        return new AuthStep.Refused(failure);
    }

    private static AuthFailure certificateFailure(String user, String commonName) {
        return new AuthFailure(AuthFailure.INVALID_AUTHORIZATION,
                "certificate authentication failed for user \"" + user + "\"", Optional.empty(),
                "the client certificate's common name \"" + commonName + "\" is not the user name");
    }

    /** The string of a body that holds exactly one NUL-terminated string. */
    private static Optional<String> cString(byte[] body) {
        int nul = indexOfNul(body);
        if (nul < 0 || nul != body.length - 1) {
            return Optional.empty();
        }
        return Optional.of(new String(body, 0, nul, StandardCharsets.UTF_8));
    }

    private static int indexOfNul(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
