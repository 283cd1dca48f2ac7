package io.tidepool.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A well-behaved PostgreSQL client's side of authentication, for driving a
 * {@link FrontendAuthenticator} in tests: answers cleartext, md5 and SCRAM requests with a
 * password and records the request codes it saw.
 */
final class AuthTestClient {

    final String user;
    final String password;
    final List<Integer> codes = new ArrayList<>();
    final List<byte[]> payloads = new ArrayList<>();
    private ScramClientExchange scram;

    AuthTestClient(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** Runs the exchange from the first step to an Accepted or Refused step. */
    AuthStep run(FrontendAuthenticator authenticator, AuthStep first) {
        AuthStep step = first;
        int rounds = 0;
        while (step instanceof AuthStep.Challenge challenge) {
            if (++rounds > 5) {
                throw new AssertionError("more than 5 rounds");
            }
            codes.add(challenge.code());
            payloads.add(challenge.data());
            step = authenticator.onResponse(answer(challenge));
        }
        if (step instanceof AuthStep.Accepted accepted && accepted.saslFinal().isPresent()) {
            scram.serverFinal(accepted.saslFinal().get().getBytes(StandardCharsets.UTF_8));
        }
        return step;
    }

    byte[] answer(AuthStep.Challenge challenge) {
        switch (challenge.code()) {
            case AuthStep.CLEARTEXT_PASSWORD:
                return cString(password);
            case AuthStep.MD5_PASSWORD:
                String shadow = Md5Hash.postgresShadow(user, password);
                return cString("md5" + Md5Hash.hex(shadow.substring(3).getBytes(StandardCharsets.US_ASCII), challenge.data()));
            case AuthStep.SASL:
                scram = new ScramClientExchange(password, "clientnonce" + System.nanoTime());
                return saslInitial(scram.clientFirst());
            case AuthStep.SASL_CONTINUE:
                return scram.serverFirst(challenge.data()).getBytes(StandardCharsets.UTF_8);
            default:
                throw new AssertionError("unexpected request " + challenge.code());
        }
    }

    static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    static byte[] saslInitial(String clientFirst) {
        byte[] mech = ScramSha256.MECHANISM.getBytes(StandardCharsets.US_ASCII);
        byte[] data = clientFirst.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(mech.length + 1 + 4 + data.length).put(mech).put((byte) 0).putInt(data.length)
                .put(data).array();
    }
}
