package io.tidepool.auth;

import io.tidepool.auth.hba.HbaClient;
import io.tidepool.auth.hba.HbaMethod;
import io.tidepool.auth.hba.HbaRule;
import io.tidepool.auth.hba.PoolHba;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FrontendAuthenticatorTest {

    static final String USER = "alice";
    static final String PASSWORD = "wonder land";
    static final PoolKey KEY = PoolKey.of("secretkey");

    /** Every pool_passwd format pgpool-II writes, plus none and an AES entry without its key. */
    enum Entry {
        NONE, MD5, AES, TEXT, PLAIN, SCRAM, AES_WITHOUT_KEY;

        PoolPasswdStore store() {
            PoolPasswdFile file = PoolPasswdFile.empty().withEntry("bob", "TEXTbobs");
            Optional<PoolKey> key = Optional.of(KEY);
            file = switch (this) {
                case NONE -> file;
                case MD5 -> file.withEntry(USER, Md5Hash.postgresShadow(USER, PASSWORD));
                case AES -> file.withEntry(USER, new AesPasswordCipher(KEY).encrypt(PASSWORD));
                case TEXT -> file.withEntry(USER, "TEXT" + PASSWORD);
                case PLAIN -> file.withEntry(USER, PASSWORD);
                case SCRAM -> file.withEntry(USER, ScramVerifier.fromPassword(PASSWORD, "saltsaltsaltsalt".getBytes(), 4096).format());
                case AES_WITHOUT_KEY -> file.withEntry(USER, new AesPasswordCipher(KEY).encrypt(PASSWORD));
            };
            if (this == AES_WITHOUT_KEY) {
                key = Optional.empty();
            }
            return PoolPasswdStore.of(file, key);
        }

        boolean clear() {
            return this == AES || this == TEXT || this == PLAIN;
        }
    }

    enum Outcome { IN, IN_UNVERIFIED, REFUSED_28P01 }

    private static FrontendAuthenticator authenticator(Entry entry, boolean allowClearText) {
        SecureRandom random = new SecureRandom();
        return new FrontendAuthenticator(FrontendAuthenticator.Settings.of(allowClearText, random), entry.store(), random);
    }

    private static AuthStep login(Entry entry, HbaMethod method, boolean allowClearText, String password, AuthTestClient[] seen) {
        FrontendAuthenticator auth = authenticator(entry, allowClearText);
        AuthTestClient client = new AuthTestClient(USER, password);
        if (seen != null) {
            seen[0] = client;
        }
        return client.run(auth, auth.start(USER, method, Optional.empty()));
    }

    /** What pgpool-II's semantics plus Tidepool's fail-closed rule give, per method and entry. */
    static Outcome expected(HbaMethod method, Entry entry, boolean allowClearText, boolean rightPassword) {
        if (entry == Entry.AES_WITHOUT_KEY) {
            return Outcome.REFUSED_28P01;
        }
        boolean canCheck = switch (method) {
            case PASSWORD -> entry != Entry.NONE;
            case MD5 -> entry == Entry.MD5 || entry.clear() || (allowClearText && entry == Entry.SCRAM);
            case SCRAM_SHA_256 -> entry == Entry.SCRAM || entry.clear() || (allowClearText && entry == Entry.MD5);
            default -> throw new IllegalArgumentException();
        };
        if (canCheck) {
            return rightPassword ? Outcome.IN : Outcome.REFUSED_28P01;
        }
        boolean passThrough = entry == Entry.NONE && (method == HbaMethod.PASSWORD || allowClearText);
        return passThrough ? Outcome.IN_UNVERIFIED : Outcome.REFUSED_28P01;
    }

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        for (HbaMethod method : List.of(HbaMethod.PASSWORD, HbaMethod.MD5, HbaMethod.SCRAM_SHA_256)) {
            for (Entry entry : Entry.values()) {
                for (boolean allow : new boolean[] {false, true}) {
                    for (boolean right : new boolean[] {true, false}) {
                        rows.add(Arguments.of(method, entry, allow, right));
                    }
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} with {1} entry, allow_clear_text={2}, right password={3}")
    @MethodSource("matrix")
    void everyMethodAgainstEveryEntryFormat(HbaMethod method, Entry entry, boolean allowClearText, boolean right) {
        AuthStep step = login(entry, method, allowClearText, right ? PASSWORD : "wrong", null);

        Outcome outcome = expected(method, entry, allowClearText, right);
        switch (outcome) {
            case IN -> {
                assertThat(step).isInstanceOf(AuthStep.Accepted.class);
                assertThat(((AuthStep.Accepted) step).identity().backend().mustBeChecked()).isFalse();
            }
            case IN_UNVERIFIED -> {
                assertThat(step).isInstanceOf(AuthStep.Accepted.class);
                BackendCredentials backend = ((AuthStep.Accepted) step).identity().backend();
                assertThat(backend.mustBeChecked()).isTrue();
                assertThat(backend.secret()).contains(new UserSecret.ClearText(right ? PASSWORD : "wrong"));
            }
            case REFUSED_28P01 -> {
                assertThat(step).isInstanceOf(AuthStep.Refused.class);
                AuthFailure failure = ((AuthStep.Refused) step).failure();
                assertThat(failure.sqlState()).isEqualTo("28P01");
                assertThat(failure.message()).isEqualTo("password authentication failed for user \"alice\"");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = HbaMethod.class, names = {"PASSWORD", "MD5", "SCRAM_SHA_256"})
    void unknownUserAndWrongPasswordLookTheSameToTheClient(HbaMethod method) {
        AuthTestClient[] wrong = new AuthTestClient[1];
        AuthTestClient[] unknown = new AuthTestClient[1];
        AuthStep wrongStep = login(method == HbaMethod.MD5 ? Entry.MD5 : Entry.SCRAM,
                method, false, "wrong", wrong);
        AuthStep unknownStep;
        {
            FrontendAuthenticator auth = authenticator(Entry.SCRAM, false);
            AuthTestClient client = new AuthTestClient("mallory", "wrong");
            unknown[0] = client;
            unknownStep = client.run(auth, auth.start("mallory", method, Optional.empty()));
        }

        if (method == HbaMethod.PASSWORD) {
            // Unknown users under password go to the backend unchecked (and the backend must check).
            assertThat(unknownStep).isInstanceOf(AuthStep.Accepted.class);
            assertThat(unknown[0].codes).isEqualTo(wrong[0].codes);
            return;
        }
        AuthFailure a = ((AuthStep.Refused) wrongStep).failure();
        AuthFailure b = ((AuthStep.Refused) unknownStep).failure();
        assertThat(b.sqlState()).isEqualTo(a.sqlState()).isEqualTo("28P01");
        assertThat(b.message()).isEqualTo(a.message().replace("alice", "mallory"));
        assertThat(b.hint()).isEqualTo(a.hint()).hasValue(AuthFailure.POOL_PASSWD_HINT);
        assertThat(unknown[0].codes).as("same requests in the same order").isEqualTo(wrong[0].codes);
        if (method == HbaMethod.SCRAM_SHA_256) {
            String realFirst = new String(wrong[0].payloads.get(1), StandardCharsets.UTF_8);
            String mockFirst = new String(unknown[0].payloads.get(1), StandardCharsets.UTF_8);
            assertThat(mockFirst.replaceAll("r=[^,]*,s=[^,]*,", ""))
                    .as("same iteration count").isEqualTo(realFirst.replaceAll("r=[^,]*,s=[^,]*,", ""));
            assertThat(salt(mockFirst)).hasSize(salt(realFirst).length);
        }
    }

    private static byte[] salt(String serverFirst) {
        String s = serverFirst.replaceAll(".*,s=([^,]*),.*", "$1");
        return Base64.getDecoder().decode(s);
    }

    @Test
    void unknownUserGetsTheSameMockSaltOnEveryAttemptAndAnotherUserAnother() {
        SecureRandom random = new SecureRandom();
        FrontendAuthenticator.Settings settings = FrontendAuthenticator.Settings.of(false, random);
        PoolPasswdStore store = Entry.NONE.store();
        List<String> salts = new ArrayList<>();
        for (String user : List.of("mallory", "mallory", "trudy")) {
            FrontendAuthenticator auth = new FrontendAuthenticator(settings, store, random);
            AuthTestClient client = new AuthTestClient(user, "x");
            client.run(auth, auth.start(user, HbaMethod.SCRAM_SHA_256, Optional.empty()));
            salts.add(new String(client.payloads.get(1), StandardCharsets.UTF_8).replaceAll(".*,s=([^,]*),.*", "$1"));
        }

        assertThat(salts.get(0)).isEqualTo(salts.get(1)).isNotEqualTo(salts.get(2));
    }

    @Test
    void scramAcceptsAndSendsAServerSignatureTheClientVerifies() {
        AuthStep step = login(Entry.SCRAM, HbaMethod.SCRAM_SHA_256, false, PASSWORD, null);

        AuthStep.Accepted accepted = (AuthStep.Accepted) step;
        assertThat(accepted.saslFinal()).hasValueSatisfying(v -> assertThat(v).startsWith("v="));
        byte[] frames = accepted.finalFrames();
        assertThat(frames[0]).isEqualTo((byte) 'R');
        assertThat(frames[8]).isEqualTo((byte) AuthStep.SASL_FINAL);
        assertThat(frames[frames.length - 9]).isEqualTo((byte) 'R');
        assertThat(frames[frames.length - 1]).isEqualTo((byte) AuthStep.AUTHENTICATION_OK);
    }

    @Test
    void md5EntrySuffices_forMd5BackendsToo() {
        AuthStep step = login(Entry.MD5, HbaMethod.MD5, false, PASSWORD, null);

        BackendCredentials backend = ((AuthStep.Accepted) step).identity().backend();
        assertThat(backend.secret()).contains(new UserSecret.Md5Shadow(Md5Hash.postgresShadow(USER, PASSWORD)));
    }

    @Test
    void verifiedClearPasswordIsWhatTheBackendGetsEvenWithAScramEntry() {
        AuthStep step = login(Entry.SCRAM, HbaMethod.PASSWORD, false, PASSWORD, null);

        assertThat(((AuthStep.Accepted) step).identity().backend())
                .isEqualTo(new BackendCredentials(USER, Optional.of(new UserSecret.ClearText(PASSWORD)), false));
    }

    @Test
    void mappedBackendUserIsUsedAfterLogin() {
        PoolPasswdFile file = PoolPasswdFile.parse("alice:TEXTa:app_owner:TEXTownerpw\n");
        SecureRandom random = new SecureRandom();
        FrontendAuthenticator auth = new FrontendAuthenticator(FrontendAuthenticator.Settings.of(false, random),
                PoolPasswdStore.of(file, Optional.empty()), random);
        AuthTestClient client = new AuthTestClient(USER, "a");

        AuthStep step = client.run(auth, auth.start(USER, HbaMethod.SCRAM_SHA_256, Optional.empty()));

        assertThat(((AuthStep.Accepted) step).identity().backend())
                .isEqualTo(new BackendCredentials("app_owner", Optional.of(new UserSecret.ClearText("ownerpw")), false));
    }

    // ---------------------------------------------------------------- pool_hba decisions

    private static HbaClient tcp(boolean ssl) throws Exception {
        return HbaClient.tcp(InetAddress.getByName("127.0.0.1"), ssl, USER, "db");
    }

    private static Optional<HbaRule> rule(String line) throws Exception {
        return Optional.of(PoolHba.parse(line + "\n", Path.of("pool_hba.conf")).rules().get(0));
    }

    @Test
    void noMatchingRuleAndRejectAre28000WithPostgresStyleMessages() throws Exception {
        FrontendAuthenticator a = authenticator(Entry.TEXT, false);
        AuthStep none = a.start(tcp(false), Optional.empty(), Optional.empty());
        AuthStep reject = authenticator(Entry.TEXT, false).start(tcp(false), rule("host all all all reject"), Optional.empty());

        assertThat(((AuthStep.Refused) none).failure().sqlState()).isEqualTo("28000");
        assertThat(((AuthStep.Refused) none).failure().message())
                .isEqualTo("no pool_hba.conf entry for host \"127.0.0.1\", user \"alice\", database \"db\", no encryption");
        assertThat(((AuthStep.Refused) reject).failure().message())
                .isEqualTo("pool_hba.conf rejects connection for host \"127.0.0.1\", user \"alice\", database \"db\", no encryption");
    }

    @Test
    void trustLetsInAtOnceWithPoolPasswdCredentialsForTheBackend() throws Exception {
        AuthStep step = authenticator(Entry.TEXT, false).start(tcp(false), rule("host all all all trust"), Optional.empty());

        assertThat(((AuthStep.Accepted) step).identity().backend().secret()).contains(new UserSecret.ClearText(PASSWORD));
    }

    @Test
    void certMethodNeedsACertificateWhoseCommonNameIsTheUser() throws Exception {
        Optional<HbaRule> cert = rule("hostssl all all all cert");

        assertThat(authenticator(Entry.NONE, false).start(tcp(true), cert, Optional.of(USER)))
                .isInstanceOf(AuthStep.Accepted.class);
        AuthStep other = authenticator(Entry.NONE, false).start(tcp(true), cert, Optional.of("bob"));
        assertThat(((AuthStep.Refused) other).failure().message()).isEqualTo("certificate authentication failed for user \"alice\"");
        assertThat(((AuthStep.Refused) other).failure().sqlState()).isEqualTo("28000");
        AuthStep none = authenticator(Entry.NONE, false).start(tcp(true), cert, Optional.empty());
        assertThat(((AuthStep.Refused) none).failure().message()).isEqualTo("connection requires a valid client certificate");
    }

    @Test
    void clientCertOptionIsCheckedBeforeThePassword() throws Exception {
        Optional<HbaRule> full = rule("hostssl all all all scram-sha-256 clientcert=verify-full");
        Optional<HbaRule> ca = rule("hostssl all all all scram-sha-256 clientcert=verify-ca");

        assertThat(authenticator(Entry.TEXT, false).start(tcp(true), full, Optional.empty()))
                .isInstanceOf(AuthStep.Refused.class);
        assertThat(authenticator(Entry.TEXT, false).start(tcp(true), full, Optional.of("bob")))
                .isInstanceOf(AuthStep.Refused.class);
        assertThat(authenticator(Entry.TEXT, false).start(tcp(true), full, Optional.of(USER)))
                .isInstanceOf(AuthStep.Challenge.class);
        assertThat(authenticator(Entry.TEXT, false).start(tcp(true), ca, Optional.of("bob")))
                .isInstanceOf(AuthStep.Challenge.class);
    }

    // ---------------------------------------------------------------- hostile clients

    @Test
    void passwordMessageWithoutAPendingRequestIsAProtocolViolation() {
        FrontendAuthenticator auth = authenticator(Entry.TEXT, false);
        auth.start(USER, HbaMethod.TRUST, Optional.empty());

        AuthStep step = auth.onResponse(AuthTestClient.cString(PASSWORD));

        assertThat(((AuthStep.Refused) step).failure().sqlState()).isEqualTo("08P01");
    }

    @Test
    void secondAnswerToOneRequestIsRefused() {
        FrontendAuthenticator auth = authenticator(Entry.TEXT, false);
        auth.start(USER, HbaMethod.MD5, Optional.empty());
        auth.onResponse(AuthTestClient.cString("md5" + "0".repeat(32)));

        AuthStep again = auth.onResponse(AuthTestClient.cString("md5" + "0".repeat(32)));

        assertThat(((AuthStep.Refused) again).failure().sqlState()).isEqualTo("08P01");
    }

    @Test
    void malformedPasswordPacketsAreProtocolViolations() {
        for (byte[] body : List.of(new byte[0], "abc".getBytes(), "a\0b\0".getBytes())) {
            FrontendAuthenticator auth = authenticator(Entry.TEXT, false);
            auth.start(USER, HbaMethod.PASSWORD, Optional.empty());
            assertThat(((AuthStep.Refused) auth.onResponse(body)).failure().sqlState()).isEqualTo("08P01");
        }
    }

    @ParameterizedTest
    @EnumSource(value = HbaMethod.class, names = {"PASSWORD", "MD5"})
    void anEmptyAnswerIsRefusedAsPostgresRefusesItWhoeverTheUserIs(HbaMethod method) {
        for (Entry entry : List.of(Entry.NONE, Entry.TEXT, Entry.MD5)) {
            for (String user : List.of(USER, "nobody")) {
                FrontendAuthenticator auth = authenticator(entry, false);
                auth.start(user, method, Optional.empty());

                AuthStep step = auth.onResponse(new byte[] {0});

                AuthFailure failure = ((AuthStep.Refused) step).failure();
                assertThat(failure.sqlState()).isEqualTo("28P01");
                assertThat(failure.message()).as(entry + " " + user).isEqualTo("empty password returned by client");
                assertThat(failure.hint()).isEmpty();
            }
        }
    }

    @Test
    void wrongSaslMechanismAndLyingLengthsAreProtocolViolations() {
        byte[] plus = AuthTestClient.saslInitial("n,,n=,r=abc");
        byte[] renamed = new String(plus, StandardCharsets.ISO_8859_1).replace("SCRAM-SHA-256", "SCRAM-SHA-512")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] longer = plus.clone();
        longer[14 + 3] += 1;
        byte[] negative = plus.clone();
        negative[14] = (byte) 0xff;
        for (byte[] body : List.of(renamed, longer, negative, "SCRAM-SHA-256".getBytes(), "SCRAM-SHA-256\0\0".getBytes())) {
            FrontendAuthenticator auth = authenticator(Entry.SCRAM, false);
            auth.start(USER, HbaMethod.SCRAM_SHA_256, Optional.empty());
            assertThat(((AuthStep.Refused) auth.onResponse(body)).failure().sqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void forgedScramProofFromAClientIsRefusedWith28P01() {
        FrontendAuthenticator auth = authenticator(Entry.SCRAM, false);
        AuthStep.Challenge sasl = (AuthStep.Challenge) auth.start(USER, HbaMethod.SCRAM_SHA_256, Optional.empty());
        assertThat(sasl.code()).isEqualTo(AuthStep.SASL);
        AuthStep.Challenge cont = (AuthStep.Challenge) auth.onResponse(AuthTestClient.saslInitial("n,,n=,r=forger"));
        String serverFirst = new String(cont.data(), StandardCharsets.US_ASCII);
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        String forged = "c=biws,r=" + nonce + ",p=" + Base64.getEncoder().encodeToString(new byte[32]);

        AuthStep step = auth.onResponse(forged.getBytes(StandardCharsets.US_ASCII));

        assertThat(((AuthStep.Refused) step).failure().sqlState()).isEqualTo("28P01");
    }

    @Test
    void oneAuthenticatorServesOneLogin() {
        FrontendAuthenticator auth = authenticator(Entry.TEXT, false);
        auth.start(USER, HbaMethod.TRUST, Optional.empty());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> auth.start(USER, HbaMethod.TRUST, Optional.empty()))
                .isInstanceOf(IllegalStateException.class);
    }
}
