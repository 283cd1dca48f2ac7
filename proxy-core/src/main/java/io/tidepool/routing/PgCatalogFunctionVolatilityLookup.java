package io.tidepool.routing;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link FunctionVolatilityLookup} backed by {@code pg_proc}, cached per database and function
 * name (Caffeine, bounded, expiring so that a replaced function is seen again).
 *
 * <p>An unqualified name is checked against every schema and the most volatile overload wins:
 * the look-up runs on its own connection, whose search_path is not the client's, and erring
 * towards "volatile" only costs a read on the primary.
 */
public final class PgCatalogFunctionVolatilityLookup implements FunctionVolatilityLookup {

    static final String UNQUALIFIED_SQL = "SELECT max(CASE p.provolatile WHEN 'v' THEN 3 WHEN 's' THEN 2 ELSE 1 END)"
            + " FROM pg_catalog.pg_proc p WHERE p.proname = $1";
    static final String QUALIFIED_SQL = "SELECT max(CASE p.provolatile WHEN 'v' THEN 3 WHEN 's' THEN 2 ELSE 1 END)"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE p.proname = $1 AND n.nspname = $2";

    private final CatalogCache<FunctionVolatility> cache;

    /**
     * @param query          runs the catalog query (blocking)
     * @param executor       bounded executor for the blocking look-ups, never an event loop
     * @param maximumEntries bound on cached (database, function) pairs
     * @param timeToLive     how long an answer is trusted
     */
    public PgCatalogFunctionVolatilityLookup(CatalogQuery query, Executor executor, long maximumEntries,
                                             Duration timeToLive) {
        this.cache = new CatalogCache<>((database, function) -> load(query, database, function),
                executor, maximumEntries, timeToLive);
    }

    static FunctionVolatility load(CatalogQuery query, String database, String function) throws Exception {
        return switch (CatalogRankQuery.rank(query, database, function, UNQUALIFIED_SQL, QUALIFIED_SQL)) {
            case CatalogRankQuery.NOT_FOUND -> FunctionVolatility.NOT_FOUND;
            case 3 -> FunctionVolatility.VOLATILE;
            case 2 -> FunctionVolatility.STABLE;
            default -> FunctionVolatility.IMMUTABLE;
        };
    }

    @Override
    public Optional<FunctionVolatility> cached(String database, String function) {
        return cache.cached(database, function);
    }

    @Override
    public CompletableFuture<Map<String, FunctionVolatility>> resolve(String database, Collection<String> functions) {
        Map<String, CompletableFuture<FunctionVolatility>> futures = new LinkedHashMap<>();
        for (String f : functions) {
            futures.put(f, cache.get(database, f));
        }
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<String, FunctionVolatility> out = new LinkedHashMap<>();
            futures.forEach((name, future) -> out.put(name, future.join()));
            return out;
        });
    }
}
