package io.tidepool.routing;

/** {@code pg_class.relpersistence} of a relation name. */
public enum RelationPersistence {
    PERMANENT, UNLOGGED, TEMPORARY,
    /** No relation of that name (a CTE name, a typo, a table created later). */
    NOT_FOUND
}
