package io.tidepool.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * What pool_passwd lets the proxy know about one user's password, whatever the entry's format
 * (spec 4.1): the password itself (TEXT, plain, or AES decrypted with the pool key), PostgreSQL's
 * md5 shadow, a SCRAM verifier, or nothing usable (an AES entry without the right key, a
 * malformed SCRAM secret).
 *
 * <p>Which client methods each can check, and which backend methods each can answer:
 * <pre>
 *                    client: password  md5  scram  | backend: password  md5        scram
 *   ClearText                yes       yes  yes    |          yes       yes        yes
 *   Md5Shadow                yes       yes  no     |          no        yes (same  no
 *                                                  |                    user only)
 *   Scram                    yes       no   yes    |          no        no         no
 * </pre>
 * A SCRAM verifier cannot log in to a backend: the login needs the ClientKey, which a verifier
 * does not contain (pgpool-II has the same limit).
 */
public sealed interface UserSecret {

    /** The password in clear. */
    record ClearText(String password) implements UserSecret {
        public ClearText {
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "ClearText[***]";
        }
    }

    /** {@code md5} + md5hex(password ‖ user). */
    record Md5Shadow(String shadow) implements UserSecret {
        public Md5Shadow {
            Objects.requireNonNull(shadow, "shadow");
        }

        @Override
        public String toString() {
            return "Md5Shadow[***]";
        }
    }

    /** A SCRAM-SHA-256 verifier. */
    record Scram(ScramVerifier verifier) implements UserSecret {
    }

    /** An entry the proxy cannot use; {@code reason} is for the log, never for the client. */
    record Unusable(String reason) implements UserSecret {
    }

    /**
     * Reads a stored pool_passwd value.
     *
     * @param cipher the pool key's cipher for AES entries, when a key was found
     */
    static UserSecret of(String stored, Optional<AesPasswordCipher> cipher) {
        PoolPasswdEntry.PasswordType type = PoolPasswdEntry.typeOf(stored);
        switch (type) {
            case MD5:
                return new Md5Shadow(stored.toLowerCase(java.util.Locale.ROOT));
            case SCRAM_SHA_256:
                try {
                    return new Scram(ScramVerifier.parse(stored));
                } catch (IllegalArgumentException e) {
                    return new Unusable(e.getMessage());
                }
            case AES:
                if (cipher.isEmpty()) {
                    return new Unusable("the entry is AES-encrypted but no pool key was found "
                            + "(set PGPOOLKEYFILE, create ~/.pgpoolkey, or start with -k)");
                }
                try {
                    return new ClearText(cipher.get().decrypt(stored));
                } catch (IllegalArgumentException e) {
                    return new Unusable("the AES entry does not decrypt with the pool key: " + e.getMessage());
                }
            default:
                return new ClearText(PoolPasswdEntry.of("-", stored).clearText(Optional.empty()).orElseThrow());
        }
    }
}
