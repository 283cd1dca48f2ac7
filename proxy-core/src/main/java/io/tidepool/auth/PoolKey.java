package io.tidepool.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The pool key: the passphrase from which the AES key of pool_passwd entries is derived
 * (spec 4.2). Read from a key file whose first line is the passphrase.
 */
public final class PoolKey {

    /** Longest passphrase pgpool-II accepts. */
    public static final int MAX_LENGTH = 256;

    private final String passphrase;
    private final Optional<Path> source;

    private PoolKey(String passphrase, Optional<Path> source) {
        this.passphrase = passphrase;
        this.source = source;
    }

    public static PoolKey of(String passphrase) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.isEmpty()) {
            throw new IllegalArgumentException("the pool key is empty");
        }
        if (Md5Hash.utf8(passphrase).length > MAX_LENGTH) {
            throw new IllegalArgumentException("the pool key is longer than " + MAX_LENGTH + " bytes");
        }
        return new PoolKey(passphrase, Optional.empty());
    }

    /**
     * Reads the first line of a key file; the trailing newline is dropped and nothing else is
     * trimmed, as pgpool-II does.
     */
    public static PoolKey readFile(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int newline = content.indexOf('\n');
        String firstLine = newline >= 0 ? content.substring(0, newline) : content;
        try {
            return new PoolKey(of(firstLine).passphrase, Optional.of(file));
        } catch (IllegalArgumentException e) {
            throw new IOException("pool key file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The key file pgpool-II would use: {@code PGPOOLKEYFILE} if set, else {@code ~/.pgpoolkey}.
     */
    public static Path defaultFile(Map<String, String> environment) {
        String fromEnv = environment.get("PGPOOLKEYFILE");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Path.of(fromEnv);
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".pgpoolkey");
    }

    /**
     * The key file a server uses: the one given on its command line ({@code -k}, which arrives as
     * {@code PgpoolConfig.poolKeyFile()}), else {@link #defaultFile} of this process's environment.
     * Client authentication and the cluster checks both read AES entries with it.
     */
    public static Path fileFor(Optional<Path> commandLine) {
        return commandLine.orElseGet(() -> defaultFile(System.getenv()));
    }

    /** True when the file can be read by group or others (pgpool-II only warns about it). */
    public static boolean isReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            return perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public String passphrase() {
        return passphrase;
    }

    /** The file the key was read from, if any. */
    public Optional<Path> source() {
        return source;
    }

    @Override
    public String toString() {
        return "PoolKey" + source.map(p -> "[" + p + "]").orElse("[given]");
    }
}
