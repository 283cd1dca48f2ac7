package io.tidepool.auth;

import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of pool_passwd (spec 4.1): {@code user:password}, optionally followed by
 * {@code :backend_user:backend_password} to log in to the backends as another user.
 *
 * @param user            the user clients log in as
 * @param storedPassword  the password field exactly as stored (prefix included)
 * @param backendUser     the optional mapped backend user
 * @param backendPassword the optional mapped backend user's stored password
 */
public record PoolPasswdEntry(String user, String storedPassword, Optional<String> backendUser,
                              Optional<String> backendPassword) {

    /** How a stored password is to be read, decided by its prefix. */
    public enum PasswordType {
        /** {@code md5} + 32 hex digits: PostgreSQL's md5(password ‖ user) shadow. */
        MD5,
        /** {@code AES} + base64: encrypted with the pool key ({@link AesPasswordCipher}). */
        AES,
        /** {@code SCRAM-SHA-256$...}: a PostgreSQL SCRAM verifier. */
        SCRAM_SHA_256,
        /** {@code TEXT} + the password in clear. */
        TEXT,
        /** Anything else: the password in clear. */
        PLAIN
    }

    private static final String MD5_PREFIX = "md5";
    private static final String SCRAM_PREFIX = "SCRAM-SHA-256$";
    private static final String TEXT_PREFIX = "TEXT";

    public PoolPasswdEntry {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(storedPassword, "storedPassword");
        Objects.requireNonNull(backendUser, "backendUser");
        Objects.requireNonNull(backendPassword, "backendPassword");
    }

    public static PoolPasswdEntry of(String user, String storedPassword) {
        return new PoolPasswdEntry(user, storedPassword, Optional.empty(), Optional.empty());
    }

    public PasswordType type() {
        return typeOf(storedPassword);
    }

    /** Classifies a stored password by its prefix, as pgpool-II does. */
    public static PasswordType typeOf(String stored) {
        if (stored.startsWith(MD5_PREFIX)) {
            return stored.length() == 35 && isHex(stored.substring(3)) ? PasswordType.MD5 : PasswordType.PLAIN;
        }
        if (stored.startsWith(AesPasswordCipher.PREFIX)) {
            return PasswordType.AES;
        }
        if (stored.startsWith(SCRAM_PREFIX)) {
            return PasswordType.SCRAM_SHA_256;
        }
        if (stored.startsWith(TEXT_PREFIX)) {
            return PasswordType.TEXT;
        }
        return PasswordType.PLAIN;
    }

    /**
     * The clear-text password when it can be recovered: TEXT and plain entries directly, AES
     * entries with the pool key. Empty for MD5 and SCRAM, and for AES without a key.
     *
     * @throws IllegalArgumentException when an AES entry does not decrypt with the given key
     */
    public Optional<String> clearText(Optional<AesPasswordCipher> cipher) {
        return switch (type()) {
            case TEXT -> Optional.of(storedPassword.substring(TEXT_PREFIX.length()));
            case PLAIN -> Optional.of(storedPassword);
            case AES -> cipher.map(c -> c.decrypt(storedPassword));
            case MD5, SCRAM_SHA_256 -> Optional.empty();
        };
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!HexFormat.isHexDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
