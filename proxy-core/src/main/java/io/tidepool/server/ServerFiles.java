package io.tidepool.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files a server reads besides pgpool.conf, resolved the way the command line and
 * pgpool-II's conventions say.
 *
 * <p>Without {@code -f}, pgpool.conf is looked for in {@link #CONFIG_SEARCH_PATH} order: the
 * current directory first (a checkout or a demo), then Tidepool's own directory, then where
 * Debian/Ubuntu and pgpool-II's RPMs put pgpool-II's, so an existing installation is found
 * without copying anything. {@code pcp.conf} and {@code pool_hba.conf} default to the
 * directory of the pgpool.conf in use (pgpool-II uses its compiled-in directory, which is the
 * same place in every packaged installation).
 *
 * @param configFile pgpool.conf ({@code -f})
 * @param pcpFile pcp.conf ({@code -F})
 * @param hbaFile pool_hba.conf ({@code -a})
 * @param keyFile the AES key for pool_passwd ({@code -k}); default {@code $PGPOOLKEYFILE} or {@code ~/.pgpoolkey}
 */
public record ServerFiles(Path configFile, Path pcpFile, Path hbaFile, Path keyFile) {

    public static final List<Path> CONFIG_SEARCH_PATH = List.of(
            Path.of("pgpool.conf"),
            Path.of("/etc/tidepool/pgpool.conf"),
            Path.of("/etc/pgpool2/pgpool.conf"),
            Path.of("/etc/pgpool-II/pgpool.conf"));

    /**
     * Resolves every file; arguments are the command-line values, or {@code null} when not given.
     *
     * @throws IllegalArgumentException naming every place looked at when no pgpool.conf is found
     */
    public static ServerFiles resolve(Path config, Path pcp, Path hba, Path key) {
        return resolve(config, pcp, hba, key, CONFIG_SEARCH_PATH);
    }

    static ServerFiles resolve(Path config, Path pcp, Path hba, Path key, List<Path> searchPath) {
        Path configFile = Optional.ofNullable(config)
                .or(() -> searchPath.stream().filter(Files::isRegularFile).findFirst())
                .orElseThrow(() -> new IllegalArgumentException("no pgpool.conf found (looked at "
                        + String.join(", ", searchPath.stream().map(Path::toString).toList())
                        + "); give one with -f"))
                .toAbsolutePath().normalize();
        Path dir = configFile.getParent();
        return new ServerFiles(
                configFile,
                absolute(pcp != null ? pcp : dir.resolve("pcp.conf")),
                absolute(hba != null ? hba : dir.resolve("pool_hba.conf")),
                absolute(key != null ? key : defaultKeyFile()));
    }

    private static Path defaultKeyFile() {
        String fromEnvironment = System.getenv("PGPOOLKEYFILE");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        return Path.of(System.getProperty("user.home"), ".pgpoolkey");
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
