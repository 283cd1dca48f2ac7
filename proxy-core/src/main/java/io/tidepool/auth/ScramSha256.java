package io.tidepool.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Normalizer;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 primitives of RFC 5802 / RFC 7677, on the JDK's HMAC-SHA-256, SHA-256 and
 * PBKDF2 (PBKDF2 with HMAC-SHA-256 is RFC 5802's Hi()).
 *
 * <p>Why not a library: the JDK already provides every primitive, and the one maintained Java
 * SCRAM library (com.ongres.scram 3.x, which pgJDBC uses) ships client code only; the server side
 * needs PostgreSQL's own rules on top anyway (stored {@code SCRAM-SHA-256$} secrets, mock
 * salts for unknown users, the GS2 header PostgreSQL accepts). What is hand-written is message
 * parsing, tested against the RFC 7677 vector and against pgJDBC and libpq.
 *
 * <p>Every comparison of secrets here is {@link MessageDigest#isEqual}, which does not stop at
 * the first differing byte.
 */
public final class ScramSha256 {

    /** The mechanism name in AuthenticationSASL. */
    public static final String MECHANISM = "SCRAM-SHA-256";
    /** PostgreSQL's default {@code scram_iterations}. */
    public static final int DEFAULT_ITERATIONS = 4096;
    /** Salt length PostgreSQL generates. */
    public static final int SALT_LENGTH = 16;
    static final int KEY_LENGTH = 32;

    private ScramSha256() {
    }

    /** Hi(password, salt, i): PBKDF2-HMAC-SHA-256 with a 32-byte output. */
    public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        String prepared = prepare(password);
        try {
            // PBEKeySpec takes chars but PBKDF2WithHmacSHA256 encodes them as UTF-8, which is
            // what SCRAM wants (SunJCE's PBKDF2KeyImpl).
            PBEKeySpec spec = new PBEKeySpec(prepared.toCharArray(), salt, iterations, KEY_LENGTH * 8);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is unavailable", e);
        }
    }

    public static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    public static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    public static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Client Key");
    }

    public static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Server Key");
    }

    public static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("xor of " + a.length + " and " + b.length + " bytes");
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** Constant-time equality of two byte arrays. */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /**
     * Constant-time equality of two strings that hides their lengths as well: both are hashed
     * first, so the comparison always looks at 32 bytes.
     */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(sha256(a.getBytes(StandardCharsets.UTF_8)),
                sha256(b.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * SASLprep (RFC 4013) as PostgreSQL applies it to passwords: pure ASCII passwords are used as
     * they are; otherwise non-ASCII spaces become spaces, characters "mapped to nothing" are
     * dropped and the result is NFKC-normalised. When the result would contain prohibited
     * characters (controls, private use, unassigned code points...), PostgreSQL uses the raw
     * password, and so does this.
     */
    public static String prepare(String password) {
        boolean ascii = true;
        for (int i = 0; i < password.length(); i++) {
            if (password.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return password;
        }
        StringBuilder mapped = new StringBuilder(password.length());
        for (int i = 0; i < password.length(); ) {
            int cp = password.codePointAt(i);
            i += Character.charCount(cp);
            if (isMappedToNothing(cp)) {
                continue;
            }
            mapped.appendCodePoint(Character.isSpaceChar(cp) && cp != ' ' ? ' ' : cp);
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (isProhibited(cp)) {
                return password;
            }
        }
        return normalized;
    }

    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    private static boolean isProhibited(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.PRIVATE_USE || type == Character.SURROGATE
                || type == Character.UNASSIGNED || (cp >= 0xFFF9 && cp <= 0xFFFD) || (cp >= 0x2FF0 && cp <= 0x2FFB)
                || (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x206A && cp <= 0x206F);
    }
}
