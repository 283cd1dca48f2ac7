package io.tidepool.routing;

import java.util.List;

/**
 * The catalog query behind the {@code PgCatalog*Lookup}s: among the catalog rows with a given
 * name, the highest of a rank from 1 to 3 that the SQL computes ({@code max(CASE ...)}). A name
 * written {@code schema.name} (or {@code database.schema.name}) is matched in that schema only;
 * a bare name in every schema, since the look-up connection's search_path is not the client's.
 */
final class CatalogRankQuery {

    /** What {@link #rank} returns when no row has the name. */
    static final int NOT_FOUND = 0;

    private CatalogRankQuery() {
    }

    /**
     * The rank of {@code name} in {@code database}: 3 or 2 as the SQL answered, 1 for any other
     * answer, {@link #NOT_FOUND} for none.
     *
     * @param unqualifiedSql takes the name as {@code $1}
     * @param qualifiedSql   takes the name as {@code $1} and the schema as {@code $2}
     */
    static int rank(CatalogQuery query, String database, String name, String unqualifiedSql, String qualifiedSql)
            throws Exception {
        int dot = name.lastIndexOf('.');
        String level;
        if (dot < 0) {
            level = query.queryForString(database, unqualifiedSql, List.of(name));
        } else {
            String qualifier = name.substring(0, dot);
            String schema = qualifier.substring(qualifier.lastIndexOf('.') + 1);
            level = query.queryForString(database, qualifiedSql, List.of(name.substring(dot + 1), schema));
        }
        if (level == null) {
            return NOT_FOUND;
        }
        return switch (level.trim()) {
            case "3" -> 3;
            case "2" -> 2;
            default -> 1;
        };
    }
}
