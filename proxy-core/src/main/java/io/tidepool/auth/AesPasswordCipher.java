package io.tidepool.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code AES} entries of pool_passwd (spec 4.2): AES-256-CBC with PKCS#7 padding, key and IV
 * derived from the pool key like OpenSSL's {@code EVP_BytesToKey} with SHA-1, no salt and one
 * iteration; the ciphertext is stored as {@code AES} + standard base64.
 */
public final class AesPasswordCipher {

    /** The prefix that marks an AES entry in pool_passwd. */
    public static final String PREFIX = "AES";
    /** Longest plain-text password pgpool-II accepts after decryption. */
    public static final int MAX_PASSWORD_LENGTH = 128;

    private final SecretKeySpec key;
    private final IvParameterSpec iv;

    public AesPasswordCipher(PoolKey poolKey) {
        byte[] material = deriveKeyAndIv(poolKey.passphrase().getBytes(StandardCharsets.UTF_8));
        this.key = new SecretKeySpec(Arrays.copyOfRange(material, 0, 32), "AES");
        this.iv = new IvParameterSpec(Arrays.copyOfRange(material, 32, 48));
    }

    /**
     * EVP_BytesToKey(SHA-1, no salt, count 1): D1 = SHA1(p), Dn = SHA1(Dn-1 ‖ p), concatenated
     * until 48 bytes (32 key + 16 IV) are available.
     */
    static byte[] deriveKeyAndIv(byte[] passphrase) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] out = new byte[48];
            byte[] previous = new byte[0];
            int filled = 0;
            while (filled < out.length) {
                sha1.update(previous);
                sha1.update(passphrase);
                previous = sha1.digest();
                int n = Math.min(previous.length, out.length - filled);
                System.arraycopy(previous, 0, out, filled, n);
                filled += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides SHA-1", e);
        }
    }

    /** Base64 of the ciphertext, without the {@code AES} prefix (what pg_enc prints first). */
    public String encryptToBase64(String password) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, key, iv);
            return Base64.getEncoder().encodeToString(cipher.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is unavailable", e);
        }
    }

    /** The pool_passwd value: {@code AES} + base64. */
    public String encrypt(String password) {
        return PREFIX + encryptToBase64(password);
    }

    /**
     * Decrypts a stored value, with or without the {@code AES} prefix.
     *
     * @throws IllegalArgumentException when the value is not valid base64, was encrypted with
     *         another key, or decrypts to more than {@value #MAX_PASSWORD_LENGTH} bytes
     */
    public String decrypt(String stored) {
        String base64 = stored.startsWith(PREFIX) ? stored.substring(PREFIX.length()) : stored;
        byte[] cipherText;
        try {
            cipherText = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("AES password is not valid base64", e);
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, key, iv);
            plain = cipher.doFinal(cipherText);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES password cannot be decrypted with this pool key", e);
        }
        if (plain.length > MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("decrypted password is longer than " + MAX_PASSWORD_LENGTH + " bytes");
        }
        return new String(plain, StandardCharsets.UTF_8);
    }
}
