package io.tidepool.app.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/** Something pgbench runs against: PostgreSQL itself, a pooler, pgpool-II, the proxy. */
interface BenchTarget extends AutoCloseable {
    /** Column title. */
    String name();

    String host();

    int port();

    /** A host and port pgbench connects to. */
    record Endpoint(String host, int port) {
    }

    /**
     * Where pgbench's clients connect: {@link #host()}:{@link #port()} for a target reached at one
     * address. A target with several splits each run's clients over them (see {@link PgBench#run}).
     */
    default List<Endpoint> endpoints() {
        return List.of(new Endpoint(host(), port()));
    }

    /**
     * How many clients the target serves at once as configured (pgpool-II: its
     * {@code num_init_children}); the warm-up stays within it. Rows with more clients are still
     * run, and show how the target copes.
     */
    default int clientLimit() {
        return Integer.MAX_VALUE;
    }

    /** Whether the target can run {@code workload} at all; a row it cannot run shows {@code n/a}. */
    default boolean runs(BenchWorkload workload) {
        return true;
    }

    /**
     * A pgJDBC connection as the bench's user, in the simple protocol (pgpool-II answers its
     * {@code SHOW} commands there only), giving up after {@code timeoutSeconds}.
     */
    default Connection connect(int timeoutSeconds) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", BenchCommand.USER);
        props.setProperty("password", BenchCommand.PASSWORD);
        props.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("sslmode", "disable");
        props.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port() + "/postgres", props);
    }

    /** Stops what the target started; idempotent. */
    @Override
    void close();
}
