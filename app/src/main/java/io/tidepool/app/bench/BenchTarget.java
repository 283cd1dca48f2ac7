package io.tidepool.app.bench;

/**
 * Something pgbench runs against: PostgreSQL itself, a pooler, the proxy. Issue 3 adds
 * pgpool-II (Debian's pgpool2) and Tidepool in streaming-replication mode as further targets.
 */
interface BenchTarget extends AutoCloseable {
    /** Column title. */
    String name();

    String host();

    int port();

    /** Stops what the target started; idempotent. */
    @Override
    void close();
}
