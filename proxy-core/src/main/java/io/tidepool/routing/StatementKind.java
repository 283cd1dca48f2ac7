package io.tidepool.routing;

/**
 * What a statement is, as far as routing cares. The router turns a kind (plus the flags of the
 * {@link StatementClassification}) into a target; see {@link Router}.
 */
public enum StatementKind {
    /** A query that reads only: SELECT/VALUES/TABLE, COPY ... TO STDOUT, EXPLAIN, SHOW. Load-balance candidate. */
    READ,
    /** Changes data, schema or locks: INSERT/UPDATE/DELETE/MERGE, DDL, LOCK, COPY FROM, SELECT INTO, CALL, DO. Primary. */
    WRITE,
    /** Must run on the primary without being a write: LISTEN/NOTIFY/UNLISTEN, cursors, SQL PREPARE/EXECUTE, COPY TO a file. */
    PRIMARY_ONLY,
    /** BEGIN / START TRANSACTION: every node the session uses. */
    TRANSACTION_BEGIN,
    /** COMMIT / END / ROLLBACK / ABORT: every node the session uses. */
    TRANSACTION_END,
    /**
     * Changes session or transaction state that every node must share: SET, RESET, DISCARD,
     * DEALLOCATE ALL, SAVEPOINT, RELEASE, ROLLBACK TO.
     */
    SESSION_STATE,
    /** Several statements in one Query message. Primary, as pgpool-II does. */
    MULTI_STATEMENT,
    /** Empty query or only comments. Primary (cheapest place to get EmptyQueryResponse). */
    EMPTY,
    /** The classifier could not read it. Primary, and counted as a write to stay safe. */
    UNREADABLE
}
