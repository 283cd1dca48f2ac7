package io.tidepool.app.bench;

/** Something pgbench runs against: PostgreSQL itself, a pooler, pgpool-II, the proxy. */
interface BenchTarget extends AutoCloseable {
    /** Column title. */
    String name();

    String host();

    int port();

    /**
     * How many clients the target serves at once as configured (pgpool-II: its
     * {@code num_init_children}); the warm-up stays within it. Rows with more clients are still
     * run, and show how the target copes.
     */
    default int clientLimit() {
        return Integer.MAX_VALUE;
    }

    /** Stops what the target started; idempotent. */
    @Override
    void close();
}
