package io.tidepool.routing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * {@link RelationPersistenceLookup} backed by {@code pg_class}, cached per database and name.
 *
 * <p>The look-up connection cannot see which session owns a temporary table, so any temporary
 * relation of that name makes the answer {@link RelationPersistence#TEMPORARY}; the router pairs
 * this with its own trace of the session's CREATE TEMP TABLE statements. Keep the time to live
 * short: temporary tables come and go.
 */
public final class PgCatalogRelationPersistenceLookup implements RelationPersistenceLookup {

    static final String UNQUALIFIED_SQL = "SELECT max(CASE c.relpersistence WHEN 't' THEN 3 WHEN 'u' THEN 2 ELSE 1 END)"
            + " FROM pg_catalog.pg_class c WHERE c.relname = $1";
    static final String QUALIFIED_SQL = "SELECT max(CASE c.relpersistence WHEN 't' THEN 3 WHEN 'u' THEN 2 ELSE 1 END)"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relname = $1 AND n.nspname = $2";

    private final CatalogCache<RelationPersistence> cache;

    public PgCatalogRelationPersistenceLookup(CatalogQuery query, Executor executor, long maximumEntries,
                                              Duration timeToLive) {
        this.cache = new CatalogCache<>((database, relation) -> load(query, database, relation),
                executor, maximumEntries, timeToLive);
    }

    static RelationPersistence load(CatalogQuery query, String database, String relation) throws Exception {
        return switch (CatalogRankQuery.rank(query, database, relation, UNQUALIFIED_SQL, QUALIFIED_SQL)) {
            case CatalogRankQuery.NOT_FOUND -> RelationPersistence.NOT_FOUND;
            case 3 -> RelationPersistence.TEMPORARY;
            case 2 -> RelationPersistence.UNLOGGED;
            default -> RelationPersistence.PERMANENT;
        };
    }

    @Override
    public Optional<RelationPersistence> cached(String database, String relation) {
        return cache.cached(database, relation);
    }
}
