package io.tidepool.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens short-lived pgJDBC connections to backend nodes for the health check, the replication
 * check, primary detection and the built-in failover. Always called on a blocking thread.
 *
 * <p>Limits: pgJDBC counts its connect timeout in whole seconds, so a sub-second
 * {@code connect_timeout} is rounded up; a node configured by Unix socket directory
 * ({@code backend_hostname = '/tmp'}) is reached at {@code localhost} on its port, because
 * pgJDBC has no Unix-socket transport of its own.
 */
public final class NodeConnector {

    /** Where and as whom to connect. */
    public record Target(String host, int port, String database, BackendCredentials.Login login) {
    }

    private NodeConnector() {
    }

    /**
     * @param connectTimeout zero waits as long as the OS does
     * @param queryTimeout   limit for each read on the connection; zero means none
     */
    public static Connection connect(Target target, Duration connectTimeout, Duration queryTimeout) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", target.login().user());
        if (!target.login().password().isEmpty()) {
            props.setProperty("password", target.login().password());
        }
        props.setProperty("ApplicationName", "tidepool");
        props.setProperty("connectTimeout", Long.toString(ceilSeconds(connectTimeout)));
        props.setProperty("loginTimeout", Long.toString(ceilSeconds(connectTimeout)));
        props.setProperty("socketTimeout", Long.toString(ceilSeconds(queryTimeout)));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("assumeMinServerVersion", "10");
        // One round trip fewer per check; the checks run no prepared statements worth caching.
        props.setProperty("prepareThreshold", "0");
        String host = target.host().isEmpty() || target.host().startsWith("/") ? "localhost" : target.host();
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        String url = "jdbc:postgresql://" + hostPart + ":" + target.port() + "/" + target.database();
        return DriverManager.getConnection(url, props);
    }

    private static long ceilSeconds(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return 0;
        }
        return (d.toMillis() + 999) / 1000;
    }
}
