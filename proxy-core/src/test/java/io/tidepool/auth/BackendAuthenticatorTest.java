package io.tidepool.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend login against a scripted server that plays PostgreSQL's side with the real
 * server-side code ({@link ScramServerExchange}, md5), and against servers that lie.
 */
class BackendAuthenticatorTest {

    static final String USER = "alice";
    static final String PASSWORD = "pw";
    static final String NODE = "node 0 (127.0.0.1:5432)";

    private static byte[] request(int code, byte[] data) {
        return ByteBuffer.allocate(4 + data.length).putInt(code).put(data).array();
    }

    private static byte[] request(int code) {
        return request(code, new byte[0]);
    }

    private static BackendAuthenticator login(UserSecret secret) {
        return new BackendAuthenticator(NODE, new BackendCredentials(USER, Optional.ofNullable(secret), false), new SecureRandom());
    }

    /** The body of a 'p' frame. */
    private static byte[] body(BackendAuthenticator.Step step) {
        byte[] frame = ((BackendAuthenticator.Step.Respond) step).frame();
        assertThat(frame[0]).isEqualTo((byte) 'p');
        assertThat(ByteBuffer.wrap(frame, 1, 4).getInt()).isEqualTo(frame.length - 1);
        return Arrays.copyOfRange(frame, 5, frame.length);
    }

    private static String cString(byte[] body) {
        assertThat(body[body.length - 1]).isZero();
        return new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
    }

    @Test
    void trustNeedsNothing() {
        assertThat(login(null).onRequest(request(AuthStep.AUTHENTICATION_OK)))
                .isInstanceOf(BackendAuthenticator.Step.Authenticated.class);
    }

    @Test
    void cleartextSendsThePassword() {
        BackendAuthenticator auth = login(new UserSecret.ClearText(PASSWORD));

        assertThat(cString(body(auth.onRequest(request(AuthStep.CLEARTEXT_PASSWORD))))).isEqualTo(PASSWORD);
        assertThat(auth.onRequest(request(AuthStep.AUTHENTICATION_OK))).isInstanceOf(BackendAuthenticator.Step.Authenticated.class);
    }

    @Test
    void md5AnswersFromTheClearPasswordOrFromTheMd5Entry() {
        byte[] salt = {1, 2, 3, 4};
        String expected = "md5" + Md5Hash.hex(Md5Hash.postgresShadow(USER, PASSWORD).substring(3).getBytes(), salt);

        assertThat(cString(body(login(new UserSecret.ClearText(PASSWORD)).onRequest(request(AuthStep.MD5_PASSWORD, salt)))))
                .isEqualTo(expected);
        assertThat(cString(body(login(new UserSecret.Md5Shadow(Md5Hash.postgresShadow(USER, PASSWORD)))
                .onRequest(request(AuthStep.MD5_PASSWORD, salt))))).isEqualTo(expected);
    }

    @Test
    void scramLogsInAgainstTheServerSideAndChecksTheServerSignature() throws Exception {
        ScramVerifier serverSecret = ScramVerifier.fromPassword(PASSWORD, "0123456789abcdef".getBytes(), 4096);
        ScramServerExchange server = new ScramServerExchange(serverSecret, false, "servernonce");
        BackendAuthenticator auth = login(new UserSecret.ClearText(PASSWORD));

        byte[] initial = body(auth.onRequest(request(AuthStep.SASL, "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0".getBytes())));
        assertThat(new String(initial, 0, 13, StandardCharsets.US_ASCII)).isEqualTo("SCRAM-SHA-256");
        byte[] clientFirst = Arrays.copyOfRange(initial, 14 + 4, initial.length);
        String serverFirst = server.clientFirst(clientFirst);
        byte[] clientFinal = body(auth.onRequest(request(AuthStep.SASL_CONTINUE, serverFirst.getBytes())));
        String serverFinal = server.clientFinal(clientFinal);
        assertThat(auth.onRequest(request(AuthStep.SASL_FINAL, serverFinal.getBytes())))
                .isInstanceOf(BackendAuthenticator.Step.Wait.class);
        assertThat(auth.onRequest(request(AuthStep.AUTHENTICATION_OK))).isInstanceOf(BackendAuthenticator.Step.Authenticated.class);
        assertThat(auth.passwordWasAsked()).isTrue();
    }

    @Test
    void serverThatSkipsItsScramProofIsRefused() throws Exception {
        BackendAuthenticator auth = login(new UserSecret.ClearText(PASSWORD));
        auth.onRequest(request(AuthStep.SASL, "SCRAM-SHA-256\0\0".getBytes()));

        BackendAuthenticator.Step step = auth.onRequest(request(AuthStep.AUTHENTICATION_OK));

        assertThat(((BackendAuthenticator.Step.Failed) step).failure().sqlState()).isEqualTo("08P01");
        assertThat(((BackendAuthenticator.Step.Failed) step).failure().message()).contains("without proving");
    }

    @Test
    void serverWithAWrongScramSignatureIsRefused() throws Exception {
        ScramServerExchange impostor = new ScramServerExchange(
                ScramVerifier.fromPassword("other", "0123456789abcdef".getBytes(), 4096), false, "n");
        BackendAuthenticator auth = login(new UserSecret.ClearText(PASSWORD));
        byte[] initial = body(auth.onRequest(request(AuthStep.SASL, "SCRAM-SHA-256\0\0".getBytes())));
        String serverFirst = impostor.clientFirst(Arrays.copyOfRange(initial, 18, initial.length));
        auth.onRequest(request(AuthStep.SASL_CONTINUE, serverFirst.getBytes()));
        byte[] fakeFinal = ("v=" + java.util.Base64.getEncoder().encodeToString(new byte[32])).getBytes();

        BackendAuthenticator.Step step = auth.onRequest(request(AuthStep.SASL_FINAL, fakeFinal));

        assertThat(((BackendAuthenticator.Step.Failed) step).failure().message()).contains("signature is wrong");
    }

    @ParameterizedTest(name = "{0} request with {1}")
    @CsvSource(delimiter = '|', value = {
            "3|NONE|a clear-text password authentication, but pool_passwd has no entry for \"alice\"",
            "3|MD5|a clear-text password authentication, but pool_passwd holds only an md5 hash",
            "3|SCRAM|a clear-text password authentication, but pool_passwd holds only a SCRAM verifier",
            "5|NONE|md5 authentication, but pool_passwd has no entry",
            "5|SCRAM|md5 authentication, but pool_passwd holds only a SCRAM verifier",
            "10|NONE|SCRAM-SHA-256 authentication, but pool_passwd has no entry",
            "10|MD5|SCRAM-SHA-256 authentication, but pool_passwd holds only an md5 hash",
            "10|SCRAM|SCRAM-SHA-256 authentication, but pool_passwd holds only a SCRAM verifier",
            "10|UNUSABLE|SCRAM-SHA-256 authentication, but the pool_passwd entry for \"alice\" is unusable",
    })
    void credentialsThatCannotAnswerNameTheBackendAndTheFix(int code, String kind, String expected) {
        UserSecret secret = switch (kind) {
            case "MD5" -> new UserSecret.Md5Shadow(Md5Hash.postgresShadow(USER, PASSWORD));
            case "SCRAM" -> new UserSecret.Scram(ScramVerifier.fromPassword(PASSWORD, "0123456789abcdef".getBytes(), 4096));
            case "UNUSABLE" -> new UserSecret.Unusable("no pool key");
            default -> null;
        };
        byte[] data = code == 5 ? new byte[4] : code == 10 ? "SCRAM-SHA-256\0\0".getBytes() : new byte[0];

        BackendAuthenticator.Step step = login(secret).onRequest(request(code, data));

        AuthFailure failure = ((BackendAuthenticator.Step.Failed) step).failure();
        assertThat(failure.sqlState()).isEqualTo("28P01");
        assertThat(failure.message()).startsWith("the database server " + NODE + " asks for ").contains(expected);
        assertThat(failure.hint()).hasValueSatisfying(h -> assertThat(h).containsAnyOf("pg_enc -m -u alice", "fix the entry"));
    }

    @Test
    void unsupportedMethodsAreRefusedWithTheirCode() {
        for (int code : new int[] {2, 7, 9, 6, 99}) {
            BackendAuthenticator.Step step = login(new UserSecret.ClearText(PASSWORD)).onRequest(request(code));
            assertThat(((BackendAuthenticator.Step.Failed) step).failure().sqlState()).isEqualTo("0A000");
            assertThat(((BackendAuthenticator.Step.Failed) step).failure().message()).contains("request code " + code);
        }
    }

    @Test
    void saslWithoutScramSha256IsRefused() {
        BackendAuthenticator.Step step = login(new UserSecret.ClearText(PASSWORD))
                .onRequest(request(AuthStep.SASL, "SCRAM-SHA-256-PLUS\0\0".getBytes()));

        assertThat(((BackendAuthenticator.Step.Failed) step).failure().sqlState()).isEqualTo("0A000");
    }

    @Test
    void requestsOutOfOrderAreProtocolViolations() {
        int[][] sequences = {
                {AuthStep.MD5_PASSWORD, AuthStep.MD5_PASSWORD},
                {AuthStep.CLEARTEXT_PASSWORD, AuthStep.CLEARTEXT_PASSWORD},
                {AuthStep.SASL_CONTINUE},
                {AuthStep.SASL_FINAL},
                {AuthStep.CLEARTEXT_PASSWORD, AuthStep.SASL},
        };
        for (int[] sequence : sequences) {
            BackendAuthenticator auth = login(new UserSecret.ClearText(PASSWORD));
            BackendAuthenticator.Step last = null;
            for (int code : sequence) {
                last = auth.onRequest(request(code, code == 5 ? new byte[4] : new byte[0]));
            }
            assertThat(last).as(Arrays.toString(sequence)).isInstanceOf(BackendAuthenticator.Step.Failed.class);
            assertThat(((BackendAuthenticator.Step.Failed) last).failure().sqlState()).isEqualTo("08P01");
        }
    }

    @Test
    void truncatedRequestsAreProtocolViolations() {
        assertThat(login(null).onRequest(new byte[2])).isInstanceOf(BackendAuthenticator.Step.Failed.class);
        assertThat(login(new UserSecret.ClearText(PASSWORD)).onRequest(request(AuthStep.MD5_PASSWORD, new byte[3])))
                .isInstanceOf(BackendAuthenticator.Step.Failed.class);
        assertThat(login(null).onRequest(request(AuthStep.AUTHENTICATION_OK, new byte[1])))
                .isInstanceOf(BackendAuthenticator.Step.Failed.class);
    }

    @Test
    void uncheckedClientPasswordIsRefusedWhenTheBackendTrusts() {
        BackendAuthenticator auth = new BackendAuthenticator(NODE, BackendCredentials.unverifiedFromClient(USER, "anything"),
                new SecureRandom());

        BackendAuthenticator.Step step = auth.onRequest(request(AuthStep.AUTHENTICATION_OK));

        AuthFailure failure = ((BackendAuthenticator.Step.Failed) step).failure();
        assertThat(failure.sqlState()).isEqualTo("28P01");
        assertThat(failure.message()).isEqualTo("password authentication failed for user \"alice\"");
        assertThat(failure.logDetail()).contains("unchecked password");
    }

    @Test
    void uncheckedClientPasswordIsFineOnceTheBackendAskedForIt() {
        BackendAuthenticator auth = new BackendAuthenticator(NODE, BackendCredentials.unverifiedFromClient(USER, "pw"),
                new SecureRandom());

        auth.onRequest(request(AuthStep.CLEARTEXT_PASSWORD));

        assertThat(auth.onRequest(request(AuthStep.AUTHENTICATION_OK))).isInstanceOf(BackendAuthenticator.Step.Authenticated.class);
    }

    @Test
    void mappedBackendUserIsTheStartupUser() {
        PoolPasswdStore store = PoolPasswdStore.of(PoolPasswdFile.parse("alice:TEXTa:owner:TEXTb\n"), Optional.empty());

        BackendCredentials credentials = store.backendCredentials("alice").orElseThrow();

        assertThat(new BackendAuthenticator(NODE, credentials, new SecureRandom()).backendUser()).isEqualTo("owner");
    }
}
