package io.tidepool.auth.hba;

import io.tidepool.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The pool_hba.conf rules in force, swapped by reload. A reload that finds a broken file keeps
 * the rules it had and logs every problem with file:line, as PostgreSQL does with pg_hba.conf:
 * a typo must not lock everyone out, nor let anyone in.
 *
 * <p>Readers on event loops see an immutable {@link PoolHba} through a volatile read.
 */
public final class PoolHbaHolder {

    private static final Logger log = LoggerFactory.getLogger(PoolHbaHolder.class);

    private final Path file;
    private volatile PoolHba current;

    private PoolHbaHolder(Path file, PoolHba current) {
        this.file = file;
        this.current = current;
    }

    /** Loads the file for start-up: a broken file stops the start (there are no old rules to keep). */
    public static PoolHbaHolder load(Path file) throws ConfigException {
        return new PoolHbaHolder(file, PoolHba.load(file));
    }

    public PoolHba current() {
        return current;
    }

    public Path file() {
        return file;
    }

    /**
     * Re-reads the file. Returns true when the new rules are in force; false when the file was
     * broken and the old rules stay (each problem logged at error level).
     */
    public boolean reload() {
        try {
            PoolHba loaded = PoolHba.load(file);
            current = Objects.requireNonNull(loaded);
            log.info("pool_hba.conf reloaded from {}: {} rules", file, loaded.rules().size());
            return true;
        } catch (ConfigException e) {
            e.problems().forEach(problem -> log.error("pool_hba.conf not reloaded: {}", problem));
            log.error("pool_hba.conf: the previous {} rules stay in force", current.rules().size());
            return false;
        }
    }
}
