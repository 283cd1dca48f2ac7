package io.tidepool.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802 section 5, as PostgreSQL runs it):
 * client-first → server-first → client-final → server-final. Not thread-safe; one per login.
 *
 * <p>PostgreSQL's rules: the user name in {@code n=} is ignored (the StartupMessage's user
 * counts); an authorization identity ({@code a=}) and extensions ({@code m=}) are refused; no
 * channel binding is offered, so a {@code p=} GS2 flag is refused and {@code y} is accepted.
 *
 * <p>A <em>doomed</em> exchange (unknown user, or a secret that cannot check this method) runs
 * every step with a mock secret and always fails at the proof, so a client cannot tell it from
 * a wrong password by what it is sent.
 */
public final class ScramServerExchange {

    /** Why an exchange ended without success. */
    public enum Failure {
        /** The message does not follow the SCRAM grammar (SQLSTATE 08P01). */
        MALFORMED,
        /** The proof does not match the secret (SQLSTATE 28P01). */
        WRONG_PROOF
    }

    /** Thrown by the steps; carries the kind and a log-only explanation. */
    public static final class ScramException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Failure failure;

        ScramException(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private enum State { EXPECT_CLIENT_FIRST, EXPECT_CLIENT_FINAL, DONE }

    private final ScramVerifier verifier;
    private final boolean doomed;
    private final String serverNonce;
    private State state = State.EXPECT_CLIENT_FIRST;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String combinedNonce;

    /**
     * @param verifier    the user's secret, or a mock one for a doomed exchange
     * @param doomed      true to fail at the proof whatever the client sends
     * @param serverNonce the server's part of the nonce (printable, no comma); random per exchange
     */
    public ScramServerExchange(ScramVerifier verifier, boolean doomed, String serverNonce) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.doomed = doomed;
        this.serverNonce = requireNonce(serverNonce, "server nonce");
    }

    /** Handles client-first-message; returns server-first-message. */
    public String clientFirst(byte[] message) throws ScramException {
        if (state != State.EXPECT_CLIENT_FIRST) {
            throw new IllegalStateException("client-first-message in state " + state);
        }
        state = State.DONE;
        String text = ascii(message, "client-first-message");
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        if (text.isEmpty()) {
            throw malformed("empty client-first-message");
        }
        char flag = text.charAt(0);
        if (flag == 'p') {
            throw malformed("the client asks for channel binding, which was not offered (SCRAM-SHA-256-PLUS)");
        }
        if ((flag != 'n' && flag != 'y') || text.length() < 2 || text.charAt(1) != ',') {
            throw malformed("invalid GS2 channel-binding flag in client-first-message");
        }
        int secondComma = text.indexOf(',', 2);
        if (secondComma < 0) {
            throw malformed("client-first-message ends inside the GS2 header");
        }
        if (secondComma != 2) {
            throw malformed("an authorization identity (a=) is not supported");
        }
        gs2Header = text.substring(0, 3);
        clientFirstBare = text.substring(3);
        String[] attributes = clientFirstBare.split(",", -1);
        if (attributes.length < 2) {
            throw malformed("client-first-message lacks the user name or the nonce");
        }
        if (attributes[0].startsWith("m=")) {
            throw malformed("SCRAM extensions (m=) are not supported");
        }
        if (!attributes[0].startsWith("n=")) {
            throw malformed("client-first-message does not start with n=");
        }
        if (!attributes[1].startsWith("r=")) {
            throw malformed("client-first-message has no nonce (r=) after the user name");
        }
        String clientNonce = attributes[1].substring(2);
        try {
            requireNonce(clientNonce, "client nonce");
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
        combinedNonce = clientNonce + serverNonce;
        serverFirst = "r=" + combinedNonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt())
                + ",i=" + verifier.iterations();
        state = State.EXPECT_CLIENT_FINAL;
        return serverFirst;
    }

    /**
     * Handles client-final-message; returns server-final-message ({@code v=...}) when the proof
     * is right.
     */
    public String clientFinal(byte[] message) throws ScramException {
        if (state != State.EXPECT_CLIENT_FINAL) {
            throw new IllegalStateException("client-final-message in state " + state);
        }
        state = State.DONE;
        String text = ascii(message, "client-final-message");
        // client-final-message-without-proof = channel-binding "," nonce ["," extensions]; then ",p=" proof
        int proofAt = text.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw malformed("client-final-message has no proof (p=)");
        }
        String withoutProof = text.substring(0, proofAt);
        String[] attributes = withoutProof.split(",", -1);
        if (attributes.length < 2 || !attributes[0].startsWith("c=") || !attributes[1].startsWith("r=")) {
            throw malformed("client-final-message must start with c= and r=");
        }
        byte[] channelBinding = decode(attributes[0].substring(2), "channel binding");
        if (!new String(channelBinding, StandardCharsets.US_ASCII).equals(gs2Header)) {
            throw malformed("channel binding data does not repeat the GS2 header");
        }
        if (!attributes[1].substring(2).equals(combinedNonce)) {
            throw malformed("the nonce in client-final-message is not the one the server sent");
        }
        byte[] proof = decode(text.substring(proofAt + 3), "client proof");
        if (proof.length != ScramSha256.KEY_LENGTH) {
            throw malformed("client proof is " + proof.length + " bytes, not " + ScramSha256.KEY_LENGTH);
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] storedKey = verifier.storedKey();
        byte[] clientSignature = ScramSha256.hmac(storedKey, authMessage);
        byte[] clientKey = ScramSha256.xor(proof, clientSignature);
        boolean proofMatches = ScramSha256.constantTimeEquals(ScramSha256.sha256(clientKey), storedKey);
        if (!proofMatches || doomed) {
            throw new ScramException(Failure.WRONG_PROOF, "the client's SCRAM proof does not match the secret");
        }
        return "v=" + Base64.getEncoder().encodeToString(ScramSha256.hmac(verifier.serverKey(), authMessage));
    }

    /** True once client-final was accepted or the exchange failed. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** The nonce sent to the client (client part + server part), once known. */
    public Optional<String> combinedNonce() {
        return Optional.ofNullable(combinedNonce);
    }

    private static String requireNonce(String nonce, String what) {
        if (nonce == null || nonce.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                throw new IllegalArgumentException(what + " contains a character outside printable ASCII or a comma");
            }
        }
        return nonce;
    }

    private static String ascii(byte[] message, String what) throws ScramException {
        for (byte b : message) {
            if (b == 0) {
                throw malformed(what + " contains a NUL byte");
            }
        }
        // Only the user name may be non-ASCII, and PostgreSQL ignores it; decoding as UTF-8 keeps it intact.
        return new String(message, StandardCharsets.UTF_8);
    }

    private static byte[] decode(String base64, String what) throws ScramException {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw malformed(what + " is not valid base64");
        }
    }

    private static ScramException malformed(String message) {
        return new ScramException(Failure.MALFORMED, "malformed SCRAM message: " + message);
    }
}
