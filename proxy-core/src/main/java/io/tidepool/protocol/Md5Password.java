package io.tidepool.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * PostgreSQL's MD5 password scheme (protocol chapter, AuthenticationMD5Password): the stored
 * form is {@code "md5" + hex(md5(password + user))}; the answer to a 4-byte salt is
 * {@code "md5" + hex(md5(hex(md5(password + user)) + salt))}.
 */
public final class Md5Password {
    private Md5Password() {
    }

    /** The stored form, as in {@code pg_authid.rolpassword} and {@code pool_passwd}. */
    public static String stored(String user, String password) {
        return "md5" + md5Hex(concat(password.getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8)));
    }

    /** The PasswordMessage text answering {@code salt}, from the stored form ({@code md5...}). */
    public static String response(String storedMd5, byte[] salt) {
        if (!storedMd5.startsWith("md5") || storedMd5.length() != 35) {
            throw new IllegalArgumentException("not an md5 password hash: it must be 'md5' and 32 hex digits");
        }
        if (salt.length != 4) {
            throw new IllegalArgumentException("md5 salt must be 4 bytes, got " + salt.length);
        }
        byte[] inner = storedMd5.substring(3).getBytes(StandardCharsets.US_ASCII);
        return "md5" + md5Hex(concat(inner, salt));
    }

    /** The PasswordMessage text answering {@code salt}, from the clear-text password. */
    public static String response(String user, String password, byte[] salt) {
        return response(stored(user, password), salt);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String md5Hex(byte[] input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(input));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM offers no MD5", e);
        }
    }
}
