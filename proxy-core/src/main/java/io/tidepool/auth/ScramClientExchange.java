package io.tidepool.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The client side of one SCRAM-SHA-256 exchange, used to log in to a backend with a password
 * from pool_passwd. Not thread-safe; one per login.
 *
 * <p>A hostile or broken server is bounded: the nonce must extend ours, the iteration count may
 * not exceed {@link #MAX_ITERATIONS} (a huge count would burn an event loop in PBKDF2), and the
 * server's signature is checked in constant time before the login counts as done.
 */
public final class ScramClientExchange {

    /** Iteration counts above this are refused (PostgreSQL's default is 4096). */
    public static final int MAX_ITERATIONS = 1_000_000;

    private enum State { START, EXPECT_SERVER_FIRST, EXPECT_SERVER_FINAL, DONE }

    private final String password;
    private final String clientNonce;
    private State state = State.START;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    private final String userName;

    public ScramClientExchange(String password, String clientNonce) {
        this(password, clientNonce, "");
    }

    /** With a user name in {@code n=} (PostgreSQL ignores it; RFC 7677's example has one). */
    ScramClientExchange(String password, String clientNonce, String userName) {
        this.password = Objects.requireNonNull(password, "password");
        this.clientNonce = Objects.requireNonNull(clientNonce, "clientNonce");
        this.userName = Objects.requireNonNull(userName, "userName");
    }

    /** client-first-message; the user name is left empty as libpq does (the server uses the startup user). */
    public String clientFirst() {
        if (state != State.START) {
            throw new IllegalStateException("client-first-message already sent");
        }
        state = State.EXPECT_SERVER_FIRST;
        clientFirstBare = "n=" + userName + ",r=" + clientNonce;
        return "n,," + clientFirstBare;
    }

    /** Handles server-first-message; returns client-final-message. */
    public String serverFirst(byte[] message) {
        if (state != State.EXPECT_SERVER_FIRST) {
            throw new IllegalStateException("server-first-message in state " + state);
        }
        state = State.DONE;
        String text = new String(message, StandardCharsets.UTF_8);
        String[] attributes = text.split(",", -1);
        if (attributes.length < 3 || !attributes[0].startsWith("r=") || !attributes[1].startsWith("s=")
                || !attributes[2].startsWith("i=")) {
            throw new IllegalArgumentException("malformed SCRAM server-first-message");
        }
        String nonce = attributes[0].substring(2);
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new IllegalArgumentException("the server's SCRAM nonce does not extend the client's");
        }
        byte[] salt;
        int iterations;
        try {
            salt = Base64.getDecoder().decode(attributes[1].substring(2));
            iterations = Integer.parseInt(attributes[2].substring(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed SCRAM salt or iteration count", e);
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("the server sent an empty SCRAM salt");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the server asks for " + iterations
                    + " SCRAM iterations; accepted are 1.." + MAX_ITERATIONS);
        }
        byte[] salted = ScramSha256.saltedPassword(password, salt, iterations);
        byte[] clientKey = ScramSha256.clientKey(salted);
        byte[] storedKey = ScramSha256.sha256(clientKey);
        String withoutProof = "c=biws,r=" + nonce;
        String authMessage = clientFirstBare + "," + text + "," + withoutProof;
        byte[] proof = ScramSha256.xor(clientKey, ScramSha256.hmac(storedKey, authMessage));
        expectedServerSignature = ScramSha256.hmac(ScramSha256.serverKey(salted), authMessage);
        state = State.EXPECT_SERVER_FINAL;
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /**
     * Checks server-final-message.
     *
     * @throws IllegalArgumentException when the server reports an error or its signature is wrong
     */
    public void serverFinal(byte[] message) {
        if (state != State.EXPECT_SERVER_FINAL) {
            throw new IllegalStateException("server-final-message in state " + state);
        }
        state = State.DONE;
        String text = new String(message, StandardCharsets.UTF_8);
        if (text.startsWith("e=")) {
            throw new IllegalArgumentException("the server ended SCRAM with error " + text.substring(2));
        }
        if (!text.startsWith("v=")) {
            throw new IllegalArgumentException("malformed SCRAM server-final-message");
        }
        String[] attributes = text.split(",", -1);
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(attributes[0].substring(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed SCRAM server signature", e);
        }
        if (!ScramSha256.constantTimeEquals(signature, expectedServerSignature)) {
            throw new IllegalArgumentException("the server's SCRAM signature is wrong: it does not know the password");
        }
    }
}
