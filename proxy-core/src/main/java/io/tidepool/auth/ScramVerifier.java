package io.tidepool.auth;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SCRAM-SHA-256 secret in PostgreSQL's stored form (as in {@code pg_authid.rolpassword} and
 * pool_passwd): {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, each binary
 * part standard base64. Holds what is needed to check a client, never the password. Arrays are
 * copied in and out.
 */
public final class ScramVerifier {

    static final String PREFIX = "SCRAM-SHA-256$";
    private static final Pattern FORMAT = Pattern.compile(
            "SCRAM-SHA-256\\$(\\d{1,10}):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

    private final int iterations;
    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;

    public ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        if (iterations < 1) {
            throw new IllegalArgumentException("SCRAM iteration count must be positive, got " + iterations);
        }
        if (salt.length == 0 || storedKey.length != ScramSha256.KEY_LENGTH || serverKey.length != ScramSha256.KEY_LENGTH) {
            throw new IllegalArgumentException("SCRAM secret has an empty salt or keys that are not 32 bytes");
        }
        this.iterations = iterations;
        this.salt = salt.clone();
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
    }

    /** The verifier PostgreSQL would store for this password, salt and iteration count. */
    public static ScramVerifier fromPassword(String password, byte[] salt, int iterations) {
        byte[] salted = ScramSha256.saltedPassword(password, salt, iterations);
        return new ScramVerifier(iterations, salt, ScramSha256.sha256(ScramSha256.clientKey(salted)),
                ScramSha256.serverKey(salted));
    }

    /**
     * Parses the stored form.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the secret)
     */
    public static ScramVerifier parse(String stored) {
        Objects.requireNonNull(stored, "stored");
        Matcher m = FORMAT.matcher(stored);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 secret: expected "
                    + "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        long iterations = Long.parseLong(m.group(1));
        if (iterations < 1 || iterations > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("SCRAM secret has an invalid iteration count");
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return new ScramVerifier((int) iterations, b64.decode(m.group(2)), b64.decode(m.group(3)), b64.decode(m.group(4)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SCRAM secret is malformed: " + e.getMessage(), e);
        }
    }

    public String format() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                + ":" + b64.encodeToString(serverKey);
    }

    /** Whether {@code password} is the one this secret was made from (constant-time on the keys). */
    public boolean verifiesPassword(String password) {
        ScramVerifier candidate = fromPassword(password, salt, iterations);
        boolean stored = ScramSha256.constantTimeEquals(candidate.storedKey, storedKey);
        boolean server = ScramSha256.constantTimeEquals(candidate.serverKey, serverKey);
        return stored & server;
    }

    public int iterations() {
        return iterations;
    }

    public byte[] salt() {
        return salt.clone();
    }

    public byte[] storedKey() {
        return storedKey.clone();
    }

    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramVerifier that && iterations == that.iterations && Arrays.equals(salt, that.salt)
                && Arrays.equals(storedKey, that.storedKey) && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storedKey);
    }

    @Override
    public String toString() {
        return "ScramVerifier[iterations=" + iterations + "]";
    }
}
