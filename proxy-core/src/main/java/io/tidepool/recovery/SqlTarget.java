package io.tidepool.recovery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * A PostgreSQL server and the login recovery uses on it ({@code recovery_user} on
 * {@code recovery_database} by default). The password never appears in {@link #toString()}.
 */
public record SqlTarget(String host, int port, String database, String user, String password) {

    public SqlTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    public SqlTarget withDatabase(String other) {
        return new SqlTarget(host, port, other, user, password);
    }

    /** A pgJDBC connection with connect and socket time limits; the caller closes it. */
    Connection connect(Duration socketTimeout) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        props.setProperty("sslmode", "prefer");
        props.setProperty("ApplicationName", "tidepool-recovery");
        props.setProperty("assumeMinServerVersion", "10");
        String address = host.contains(":") ? "[" + host + "]" : host;
        return DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/" + database, props);
    }

    /** {@code user@host:port/database}, as plans show it. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
