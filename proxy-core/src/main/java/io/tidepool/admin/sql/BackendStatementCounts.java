package io.tidepool.admin.sql;

/**
 * What sessions sent to one backend and what it answered since start (SHOW pool_backend_stats,
 * spec 2.2.7): statement kinds, and PANIC/FATAL/ERROR responses received.
 */
public record BackendStatementCounts(long select, long insert, long update, long delete, long ddl, long other,
                                     long panic, long fatal, long error) {

    public static final BackendStatementCounts ZERO = new BackendStatementCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
