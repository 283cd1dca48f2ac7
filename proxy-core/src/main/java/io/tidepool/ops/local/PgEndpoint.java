package io.tidepool.ops.local;

import java.util.Objects;

/**
 * Where and as whom to connect: enough for pgJDBC, {@code psql} and {@code pgbench}.
 *
 * @param host a host name or address (loopback for local clusters)
 * @param port TCP port
 * @param user role name
 * @param password the role's password; empty when none is needed
 * @param database database name
 */
public record PgEndpoint(String host, int port, String user, String password, String database) {

    public PgEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(database, "database");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    public PgEndpoint withUser(String newUser, String newPassword) {
        return new PgEndpoint(host, port, newUser, newPassword, database);
    }

    public PgEndpoint withDatabase(String newDatabase) {
        return new PgEndpoint(host, port, user, password, newDatabase);
    }

    /** Same credentials, another server (for example the proxy in front of this node). */
    public PgEndpoint withAddress(String newHost, int newPort) {
        return new PgEndpoint(newHost, newPort, user, password, database);
    }

    /** {@code jdbc:postgresql://host:port/database}; credentials are passed separately. */
    public String jdbcUrl() {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + hostPart + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        // Never print the password.
        return user + "@" + host + ":" + port + "/" + database;
    }
}
