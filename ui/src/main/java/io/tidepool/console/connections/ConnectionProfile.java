package io.tidepool.console.connections;

import io.tidepool.console.client.ClusterClientKind;

import java.util.Objects;

/**
 * A saved connection. Holds no password by design: passwords come from {@code ~/.pgpass} and
 * {@code ~/.pcppass} (or {@code PCPPASSFILE}), or are typed and kept in memory for the session.
 *
 * @param pcpPort 0 when the connection has no PCP access (view only)
 */
public record ConnectionProfile(
        String name,
        ClusterClientKind kind,
        String host,
        int port,
        String database,
        String user,
        int pcpPort,
        String pcpUser) {

    public ConnectionProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(pcpUser, "pcpUser");
    }

    public static ConnectionProfile pgpool(String name, String host, int port, String user, int pcpPort, String pcpUser) {
        return new ConnectionProfile(name, ClusterClientKind.REMOTE_PGPOOL, host, port, "postgres", user, pcpPort, pcpUser);
    }

    /** Chooser text: {@code name — kind user@host:port}. */
    public String label() {
        return name + " \u2014 " + kind.label() + " " + user + "@" + host + ":" + port;
    }

    @Override
    public String toString() {
        return label();
    }
}
