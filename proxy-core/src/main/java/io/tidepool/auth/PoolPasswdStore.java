package io.tidepool.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The pool_passwd entries in force and the pool key that decrypts their AES entries; reload
 * swaps them. A file that cannot be read on reload keeps the previous entries (logged).
 * Readers on event loops get immutable values through volatile reads.
 */
public final class PoolPasswdStore {

    private static final Logger log = LoggerFactory.getLogger(PoolPasswdStore.class);

    private final Optional<Path> file;
    private volatile PoolPasswdFile entries;
    private volatile Optional<AesPasswordCipher> cipher;

    private PoolPasswdStore(Optional<Path> file, PoolPasswdFile entries, Optional<AesPasswordCipher> cipher) {
        this.file = file;
        this.entries = entries;
        this.cipher = cipher;
    }

    /**
     * @param file the pool_passwd file, empty when {@code pool_passwd = ''} turns it off
     * @param key  the pool key for AES entries, when one was found
     */
    public static PoolPasswdStore load(Optional<Path> file, Optional<PoolKey> key) throws IOException {
        PoolPasswdFile entries = file.isPresent() ? PoolPasswdFile.read(file.get()) : PoolPasswdFile.empty();
        return new PoolPasswdStore(file, entries, key.map(AesPasswordCipher::new));
    }

    /** A store over given entries (tests, embedded engines). */
    public static PoolPasswdStore of(PoolPasswdFile entries, Optional<PoolKey> key) {
        return new PoolPasswdStore(Optional.empty(), entries, key.map(AesPasswordCipher::new));
    }

    /** Re-reads the file; returns false (and keeps the old entries) when it cannot be read. */
    public boolean reload(Optional<PoolKey> key) {
        try {
            PoolPasswdFile loaded = file.isPresent() ? PoolPasswdFile.read(file.get()) : PoolPasswdFile.empty();
            entries = loaded;
            cipher = key.map(AesPasswordCipher::new);
            return true;
        } catch (IOException e) {
            log.error("pool_passwd {} not reloaded, the previous entries stay: {}", file.orElse(null), e.toString());
            return false;
        }
    }

    /** The entry for the user a client logs in as. */
    public Optional<PoolPasswdEntry> find(String user) {
        return entries.find(Objects.requireNonNull(user, "user"));
    }

    /** What the entry for {@code user} says about the password clients must give; empty without an entry. */
    public Optional<UserSecret> clientSecret(String user) {
        return find(user).map(entry -> UserSecret.of(entry.storedPassword(), cipher));
    }

    /**
     * Who to log in to the backends as, and with what: the entry's mapped backend user and
     * password when the entry has them, else the user and the entry's password; empty without
     * an entry.
     */
    public Optional<BackendCredentials> backendCredentials(String user) {
        return find(user).map(entry -> {
            if (entry.backendUser().isPresent()) {
                String backendUser = entry.backendUser().get();
                Optional<UserSecret> secret = entry.backendPassword().map(stored -> UserSecret.of(stored, cipher));
                return new BackendCredentials(backendUser, secret, false);
            }
            return new BackendCredentials(user, Optional.of(UserSecret.of(entry.storedPassword(), cipher)), false);
        });
    }
}
