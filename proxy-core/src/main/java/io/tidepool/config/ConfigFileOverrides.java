package io.tidepool.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Files named on the server's command line instead of being found next to pgpool.conf:
 * {@code -F pcp.conf}, {@code -a pool_hba.conf}, {@code -k} pool key file. They are not
 * parameters, so a reload of pgpool.conf keeps them ({@link PgpoolConfig#withFileOverrides}).
 * Paths are absolute.
 */
public record ConfigFileOverrides(Optional<Path> pcpConf, Optional<Path> poolHba, Optional<Path> poolKey) {

    /** Nothing overridden: every file where pgpool.conf's directory and the environment say. */
    public static final ConfigFileOverrides NONE = new ConfigFileOverrides(Optional.empty(), Optional.empty(),
            Optional.empty());

    public ConfigFileOverrides {
        pcpConf = absolute(pcpConf);
        poolHba = absolute(poolHba);
        poolKey = absolute(poolKey);
    }

    public ConfigFileOverrides withPcpConf(Path file) {
        return new ConfigFileOverrides(Optional.of(file), poolHba, poolKey);
    }

    public ConfigFileOverrides withPoolHba(Path file) {
        return new ConfigFileOverrides(pcpConf, Optional.of(file), poolKey);
    }

    public ConfigFileOverrides withPoolKey(Path file) {
        return new ConfigFileOverrides(pcpConf, poolHba, Optional.of(file));
    }

    private static Optional<Path> absolute(Optional<Path> file) {
        return Objects.requireNonNull(file, "file").map(p -> p.toAbsolutePath().normalize());
    }
}
