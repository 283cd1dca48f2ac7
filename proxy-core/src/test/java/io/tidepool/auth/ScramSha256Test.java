package io.tidepool.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SCRAM-SHA-256 against RFC 7677's example exchange, both sides, and against tampering. */
class ScramSha256Test {

    // RFC 7677 section 3: user "user", password "pencil".
    static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    static ScramVerifier rfcVerifier() {
        return ScramVerifier.fromPassword("pencil", Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void serverSideReproducesTheRfc7677Exchange() throws Exception {
        ScramServerExchange server = new ScramServerExchange(rfcVerifier(), false, SERVER_NONCE);

        assertThat(server.clientFirst(bytes(CLIENT_FIRST))).isEqualTo(SERVER_FIRST);
        assertThat(server.clientFinal(bytes(CLIENT_FINAL))).isEqualTo(SERVER_FINAL);
        assertThat(server.isDone()).isTrue();
    }

    @Test
    void storedVerifierRoundTripsThroughPostgresFormat() {
        ScramVerifier verifier = rfcVerifier();
        String stored = verifier.format();

        assertThat(stored).startsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$");
        assertThat(ScramVerifier.parse(stored)).isEqualTo(verifier);
        assertThat(ScramVerifier.parse(stored).verifiesPassword("pencil")).isTrue();
        assertThat(ScramVerifier.parse(stored).verifiesPassword("pencil ")).isFalse();
    }

    @Test
    void malformedStoredSecretsAreRejectedWithoutEchoingThem() {
        for (String bad : new String[] {"SCRAM-SHA-256$", "SCRAM-SHA-256$4096:salt", "SCRAM-SHA-256$0:AAAA$"
                + "A".repeat(44) + ":" + "A".repeat(44), "SCRAM-SHA-256$4096:AAAA$AAAA:AAAA", "md5abc"}) {
            assertThatThrownBy(() -> ScramVerifier.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain("AAAA$");
        }
    }

    @Test
    void forgedProofIsRefused() throws Exception {
        ScramServerExchange server = new ScramServerExchange(rfcVerifier(), false, SERVER_NONCE);
        server.clientFirst(bytes(CLIENT_FIRST));
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        proof[31] ^= 1;
        String forged = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p="
                + Base64.getEncoder().encodeToString(proof);

        assertThatThrownBy(() -> server.clientFinal(bytes(forged)))
                .isInstanceOfSatisfying(ScramServerExchange.ScramException.class,
                        e -> assertThat(e.failure()).isEqualTo(ScramServerExchange.Failure.WRONG_PROOF));
    }

    @Test
    void proofReplayedForAnotherServerNonceIsRefused() throws Exception {
        // The RFC's proof is bound to the RFC's server nonce; a server that picked another nonce must refuse it.
        ScramServerExchange server = new ScramServerExchange(rfcVerifier(), false, "otherNonce123");
        server.clientFirst(bytes(CLIENT_FIRST));
        String replay = "c=biws,r=rOprNGfwEbeRWgbNEkqOotherNonce123,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

        assertThatThrownBy(() -> server.clientFinal(bytes(replay)))
                .isInstanceOfSatisfying(ScramServerExchange.ScramException.class,
                        e -> assertThat(e.failure()).isEqualTo(ScramServerExchange.Failure.WRONG_PROOF));
    }

    @Test
    void proofMadeWithTheStoredKeyAloneIsRefused() throws Exception {
        // Someone who stole the verifier knows StoredKey but not ClientKey: a proof of
        // StoredKey XOR ClientSignature must not pass.
        ScramVerifier verifier = rfcVerifier();
        ScramServerExchange server = new ScramServerExchange(verifier, false, SERVER_NONCE);
        server.clientFirst(bytes(CLIENT_FIRST));
        String withoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO" + SERVER_NONCE;
        String authMessage = CLIENT_FIRST.substring(3) + "," + SERVER_FIRST + "," + withoutProof;
        byte[] forged = ScramSha256.xor(verifier.storedKey(), ScramSha256.hmac(verifier.storedKey(), authMessage));

        assertThatThrownBy(() -> server.clientFinal(bytes(withoutProof + ",p=" + Base64.getEncoder().encodeToString(forged))))
                .isInstanceOf(ScramServerExchange.ScramException.class);
    }

    @Test
    void doomedExchangeFailsEvenWithTheRightProof() throws Exception {
        ScramServerExchange server = new ScramServerExchange(rfcVerifier(), true, SERVER_NONCE);

        assertThat(server.clientFirst(bytes(CLIENT_FIRST))).isEqualTo(SERVER_FIRST);
        assertThatThrownBy(() -> server.clientFinal(bytes(CLIENT_FINAL)))
                .isInstanceOfSatisfying(ScramServerExchange.ScramException.class,
                        e -> assertThat(e.failure()).isEqualTo(ScramServerExchange.Failure.WRONG_PROOF));
    }

    @Test
    void malformedClientFirstMessagesAreProtocolErrors() {
        String[][] cases = {
                {"", "empty"},
                {"p=tls-server-end-point,,n=,r=abc", "channel binding"},
                {"x,,n=,r=abc", "invalid GS2"},
                {"n,a=admin,n=,r=abc", "authorization identity"},
                {"n,,m=ext,n=,r=abc", "extensions"},
                {"n,,r=abc", "lacks"},
                {"n,,n=,x=abc", "no nonce"},
                {"n,,n=,r=", "empty client nonce"},
                {"n,,n=,r=a\u0001b", "printable"},
                {"n,,n=,r=abc\0", "NUL"},
                {"n,", "ends inside"},
        };
        for (String[] c : cases) {
            ScramServerExchange server = new ScramServerExchange(rfcVerifier(), false, SERVER_NONCE);
            assertThatThrownBy(() -> server.clientFirst(bytes(c[0]))).as(c[0])
                    .isInstanceOfSatisfying(ScramServerExchange.ScramException.class, e -> {
                        assertThat(e.failure()).isEqualTo(ScramServerExchange.Failure.MALFORMED);
                        assertThat(e.getMessage()).contains(c[1]);
                    });
        }
    }

    @Test
    void clientFirstWithYFlagIsAccepted() throws Exception {
        ScramServerExchange server = new ScramServerExchange(rfcVerifier(), false, "srv");

        assertThat(server.clientFirst(bytes("y,,n=,r=abc"))).startsWith("r=abcsrv,s=");
    }

    @Test
    void malformedClientFinalMessagesAreProtocolErrors() throws Exception {
        String nonce = "rOprNGfwEbeRWgbNEkqO" + SERVER_NONCE;
        String proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        String[][] cases = {
                {"c=biws,r=" + nonce, "no proof"},
                {"r=" + nonce + ",c=biws," + proof, "must start with c= and r="},
                {"c=eSws,r=" + nonce + "," + proof, "does not repeat the GS2 header"},
                {"c=biws,r=other," + proof, "not the one the server sent"},
                {"c=biws,r=" + nonce + ",p=AAAA", "not 32"},
                {"c=biws,r=" + nonce + ",p=!!!", "not valid base64"},
                {"c=@@@,r=" + nonce + "," + proof, "not valid base64"},
        };
        for (String[] c : cases) {
            ScramServerExchange server = new ScramServerExchange(rfcVerifier(), false, SERVER_NONCE);
            server.clientFirst(bytes(CLIENT_FIRST));
            assertThatThrownBy(() -> server.clientFinal(bytes(c[0]))).as(c[0])
                    .isInstanceOfSatisfying(ScramServerExchange.ScramException.class, e -> {
                        assertThat(e.failure()).isEqualTo(ScramServerExchange.Failure.MALFORMED);
                        assertThat(e.getMessage()).contains(c[1]);
                    });
        }
    }

    @Test
    void clientSideReproducesTheRfc7677Exchange() {
        ScramClientExchange client = new ScramClientExchange("pencil", "rOprNGfwEbeRWgbNEkqO", "user");

        assertThat(client.clientFirst()).isEqualTo(CLIENT_FIRST);
        assertThat(client.serverFirst(bytes(SERVER_FIRST))).isEqualTo(CLIENT_FINAL);
        client.serverFinal(bytes(SERVER_FINAL));
    }

    @Test
    void clientLeavesTheUserNameEmptyAsLibpqDoes() {
        assertThat(new ScramClientExchange("pencil", "abc").clientFirst()).isEqualTo("n,,n=,r=abc");
    }

    @Test
    void clientAndServerAgreeAndTheClientChecksTheServerSignature() throws Exception {
        ScramVerifier verifier = ScramVerifier.fromPassword("s3cr3t", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 4096);
        ScramServerExchange server = new ScramServerExchange(verifier, false, "serverpart");
        ScramClientExchange client = new ScramClientExchange("s3cr3t", "clientpart");

        String serverFirst = server.clientFirst(bytes(client.clientFirst()));
        String clientFinal = client.serverFirst(bytes(serverFirst));
        String serverFinal = server.clientFinal(bytes(clientFinal));
        client.serverFinal(bytes(serverFinal));
    }

    @Test
    void clientRefusesAServerThatDoesNotKnowThePassword() throws Exception {
        ScramVerifier impostor = ScramVerifier.fromPassword("guess", new byte[] {9, 9, 9, 9}, 4096);
        ScramServerExchange server = new ScramServerExchange(impostor, false, "srv");
        ScramClientExchange client = new ScramClientExchange("real", "cli");
        String serverFirst = server.clientFirst(bytes(client.clientFirst()));
        client.serverFirst(bytes(serverFirst));
        String fakeFinal = "v=" + Base64.getEncoder().encodeToString(new byte[32]);

        assertThatThrownBy(() -> client.serverFinal(bytes(fakeFinal))).hasMessageContaining("signature is wrong");
    }

    @Test
    void clientRefusesHostileServerFirstMessages() {
        String[][] cases = {
                {"r=otherNonce,s=AAAA,i=4096", "does not extend"},
                {"r=cli,s=AAAA,i=4096", "does not extend"},
                {"r=clix,s=AAAA,i=2000000000", "iterations"},
                {"r=clix,s=AAAA,i=0", "iterations"},
                {"r=clix,s=,i=4096", "empty SCRAM salt"},
                {"r=clix,s=AAAA,i=many", "malformed"},
                {"s=AAAA,r=clix,i=1", "malformed"},
        };
        for (String[] c : cases) {
            ScramClientExchange client = new ScramClientExchange("pw", "cli");
            client.clientFirst();
            assertThatThrownBy(() -> client.serverFirst(bytes(c[0]))).as(c[0]).hasMessageContaining(c[1]);
        }
    }

    @Test
    void serverFinalWithAnErrorIsReported() throws Exception {
        ScramClientExchange client = new ScramClientExchange("pw", "cli");
        client.clientFirst();
        client.serverFirst(bytes("r=clix,s=AAAA,i=1"));

        assertThatThrownBy(() -> client.serverFinal(bytes("e=invalid-proof"))).hasMessageContaining("invalid-proof");
    }

    @Test
    void saslPrepLeavesAsciiAloneAndNormalisesUnicode() {
        assertThat(ScramSha256.prepare("pencil")).isEqualTo("pencil");
        assertThat(ScramSha256.prepare("a\u00A0b")).isEqualTo("a b");
        assertThat(ScramSha256.prepare("x\u00ADy")).isEqualTo("xy");
        assertThat(ScramSha256.prepare("\u2168")).isEqualTo("IX");
        // A prohibited character makes PostgreSQL use the raw password.
        assertThat(ScramSha256.prepare("\u00e9\u0007")).isEqualTo("\u00e9\u0007");
    }

    @Test
    void constantTimeStringComparisonComparesContent() {
        assertThat(ScramSha256.constantTimeEquals("abc", "abc")).isTrue();
        assertThat(ScramSha256.constantTimeEquals("abc", "abd")).isFalse();
        assertThat(ScramSha256.constantTimeEquals("abc", "abcd")).isFalse();
        assertThat(ScramSha256.constantTimeEquals("", "")).isTrue();
    }
}
