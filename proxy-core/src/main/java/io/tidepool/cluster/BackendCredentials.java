package io.tidepool.cluster;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.PoolKey;
import io.tidepool.auth.PoolPasswdEntry;
import io.tidepool.auth.PoolPasswdFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a configured user and password ({@code health_check_*}, {@code sr_check_*}) into what the
 * checks log in with, as pgpool-II does: an empty password is looked up in pool_passwd; an
 * {@code AES...} password is decrypted with the server's pool key ({@code -k}, else
 * {@code PGPOOLKEYFILE} or {@code ~/.pgpoolkey}: {@link io.tidepool.auth.PoolKey#fileFor}, the
 * file client authentication uses too), read when needed so a replaced key file takes effect;
 * {@code TEXT...} is clear text. An {@code md5...} hash cannot log in
 * through pgJDBC and is treated as no password (with a warning).
 */
public final class BackendCredentials {

    private static final Logger log = LoggerFactory.getLogger(BackendCredentials.class);

    /** What a check logs in with. */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + "]";
        }
    }

    private final Optional<Path> poolPasswd;
    private final Path poolKeyFile;

    public BackendCredentials(Optional<Path> poolPasswd, Path poolKeyFile) {
        this.poolPasswd = poolPasswd;
        this.poolKeyFile = poolKeyFile;
    }

    /** The pool_passwd file and pool key file of {@code settings}. */
    public static BackendCredentials of(ClusterSettings settings) {
        return new BackendCredentials(settings.poolPasswdFile(), settings.poolKeyFile());
    }

    /**
     * @param user     the configured user; empty means the operating-system user, as libpq does
     * @param password the configured password; empty means: look it up in pool_passwd
     */
    public Login resolve(String user, String password) {
        String login = user.isEmpty() ? System.getProperty("user.name") : user;
        String stored = password;
        if (stored.isEmpty()) {
            stored = fromPoolPasswd(login).orElse("");
        }
        return new Login(login, clearText(login, stored));
    }

    private Optional<String> fromPoolPasswd(String user) {
        if (poolPasswd.isEmpty() || !Files.isReadable(poolPasswd.get())) {
            return Optional.empty();
        }
        try {
            return PoolPasswdFile.read(poolPasswd.get()).find(user).map(PoolPasswdEntry::storedPassword);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {} for the password of {}: {}", poolPasswd.get(), user, e.getMessage());
            return Optional.empty();
        }
    }

    private String clearText(String user, String stored) {
        if (stored.isEmpty()) {
            return "";
        }
        PoolPasswdEntry entry = PoolPasswdEntry.of(user, stored);
        if (entry.type() == PoolPasswdEntry.PasswordType.MD5 || entry.type() == PoolPasswdEntry.PasswordType.SCRAM_SHA_256) {
            log.warn("the password of {} is stored as a hash; the cluster checks need it in clear text, AES or TEXT form",
                    user);
            return "";
        }
        try {
            Optional<AesPasswordCipher> cipher = entry.type() == PoolPasswdEntry.PasswordType.AES
                    ? Optional.of(new AesPasswordCipher(PoolKey.readFile(poolKeyFile)))
                    : Optional.empty();
            return entry.clearText(cipher).orElse("");
        } catch (IOException | IllegalArgumentException e) {
            log.warn("cannot decrypt the AES password of {} with the pool key {}: {}", user, poolKeyFile, e.getMessage());
            return "";
        }
    }
}
