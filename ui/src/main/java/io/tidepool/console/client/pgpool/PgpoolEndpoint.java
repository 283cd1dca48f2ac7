package io.tidepool.console.client.pgpool;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a pgpool-II listens and as whom the console logs in. Passwords live only in memory
 * (typed by the operator); when absent, pgJDBC reads {@code ~/.pgpass} and PCP reads
 * {@code ~/.pcppass} (or {@code PCPPASSFILE}), as pgpool-II's own tools do.
 *
 * @param pcpPort empty when the operator gave none: the view works, node actions do not
 */
public record PgpoolEndpoint(
        String host,
        int port,
        String database,
        String user,
        Optional<String> password,
        OptionalInt pcpPort,
        String pcpUser,
        Optional<String> pcpPassword) {

    public PgpoolEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(pcpPort, "pcpPort");
        Objects.requireNonNull(pcpUser, "pcpUser");
        Objects.requireNonNull(pcpPassword, "pcpPassword");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    public String sqlAddress() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        // Never print passwords.
        return "PgpoolEndpoint[" + user + "@" + sqlAddress() + "/" + database
                + ", pcp=" + (pcpPort.isPresent() ? pcpUser + "@" + host + ":" + pcpPort.getAsInt() : "none") + "]";
    }
}
