package io.tidepool.routing;

import java.util.List;

/**
 * Runs one catalog query for a look-up. Blocking: callers run it on a bounded executor, never on
 * an event loop. The session layer may implement it over its own backend connections; see
 * {@link JdbcCatalogQuery} for a JDBC implementation.
 */
@FunctionalInterface
public interface CatalogQuery {

    /**
     * Runs {@code sql} (parameters written {@code $1}, {@code $2}, text values) in {@code database}
     * and returns the first column of the first row, or {@code null} when there is no row or it is NULL.
     */
    String queryForString(String database, String sql, List<String> parameters) throws Exception;
}
