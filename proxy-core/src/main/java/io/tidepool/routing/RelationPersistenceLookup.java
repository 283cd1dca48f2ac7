package io.tidepool.routing;

import java.util.Map;
import java.util.Optional;

/**
 * Persistence of relations, per database, for {@code check_temp_table = catalog} and
 * {@code check_unlogged_table}. Same contract as {@link FunctionVolatilityLookup#cached}: never
 * blocks; unknown means "send to the primary and find out in the background".
 */
public interface RelationPersistenceLookup {

    Optional<RelationPersistence> cached(String database, String relation);

    /** Answers {@link RelationPersistence#PERMANENT} for everything: no catalog checks. */
    RelationPersistenceLookup ALL_PERMANENT = (database, relation) -> Optional.of(RelationPersistence.PERMANENT);

    /** A fixed answer table (tests); unknown names are permanent. */
    static RelationPersistenceLookup fixed(Map<String, RelationPersistence> byName) {
        return (database, relation) -> Optional.of(byName.getOrDefault(relation, RelationPersistence.PERMANENT));
    }
}
