package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The look-up caches with a scripted catalog (the real pg_proc/pg_class are in FunctionVolatilityLookupIT). */
class CatalogLookupTest {

    /** Runs tasks when told to, so a test sees the "not known yet" window. */
    private static final class ManualExecutor implements Executor {
        final List<Runnable> queued = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable command) {
            queued.add(command);
        }

        synchronized void runAll() {
            List<Runnable> now = new ArrayList<>(queued);
            queued.clear();
            now.forEach(Runnable::run);
        }
    }

    @Test
    void unknownFunctionStartsOneLookupAndIsAnsweredAfterIt() {
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger queries = new AtomicInteger();
        List<List<String>> parameters = new ArrayList<>();
        CatalogQuery catalog = (db, sql, params) -> {
            queries.incrementAndGet();
            parameters.add(params);
            return "3";
        };
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(catalog, executor, 10,
                Duration.ofMinutes(1));

        assertThat(lookup.cached("db", "myschema.touch")).isEmpty();
        assertThat(lookup.cached("db", "myschema.touch")).as("still loading").isEmpty();
        executor.runAll();

        assertThat(lookup.cached("db", "myschema.touch")).contains(FunctionVolatility.VOLATILE);
        assertThat(queries).hasValue(1);
        assertThat(parameters.get(0)).containsExactly("touch", "myschema");
    }

    @Test
    void answersAreKeptPerDatabase() {
        ManualExecutor executor = new ManualExecutor();
        CatalogQuery catalog = (db, sql, params) -> db.equals("a") ? "1" : null;
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(catalog, executor, 10,
                Duration.ofMinutes(1));
        lookup.cached("a", "f");
        lookup.cached("b", "f");
        executor.runAll();
        assertThat(lookup.cached("a", "f")).contains(FunctionVolatility.IMMUTABLE);
        assertThat(lookup.cached("b", "f")).contains(FunctionVolatility.NOT_FOUND);
    }

    @Test
    void failedLookupIsRetriedLater() {
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger calls = new AtomicInteger();
        CatalogQuery catalog = (db, sql, params) -> {
            if (calls.incrementAndGet() == 1) {
                throw new java.sql.SQLException("connection refused", "08001");
            }
            return "2";
        };
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(catalog, executor, 10,
                Duration.ofMinutes(1));
        lookup.cached("db", "f");
        executor.runAll();
        assertThat(lookup.cached("db", "f")).as("failure not cached; a new look-up starts").isEmpty();
        executor.runAll();
        assertThat(lookup.cached("db", "f")).contains(FunctionVolatility.STABLE);
    }

    @Test
    void resolveCompletesWithEveryAnswer() throws Exception {
        CatalogQuery catalog = (db, sql, params) -> params.get(0).equals("w") ? "3" : "1";
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(catalog, Runnable::run, 10,
                Duration.ofMinutes(1));
        assertThat(lookup.resolve("db", List.of("w", "r")).get(5, TimeUnit.SECONDS))
                .containsEntry("w", FunctionVolatility.VOLATILE).containsEntry("r", FunctionVolatility.IMMUTABLE);
    }

    @Test
    void relationLevelsMapToPersistence() throws Exception {
        CatalogQuery catalog = (db, sql, params) -> switch (params.get(0)) {
            case "t" -> "3";
            case "u" -> "2";
            case "p" -> "1";
            default -> null;
        };
        PgCatalogRelationPersistenceLookup lookup = new PgCatalogRelationPersistenceLookup(catalog, Runnable::run, 10,
                Duration.ofSeconds(10));
        lookup.cached("db", "t");
        lookup.cached("db", "u");
        lookup.cached("db", "s.p");
        lookup.cached("db", "gone");
        assertThat(lookup.cached("db", "t")).contains(RelationPersistence.TEMPORARY);
        assertThat(lookup.cached("db", "u")).contains(RelationPersistence.UNLOGGED);
        assertThat(lookup.cached("db", "s.p")).contains(RelationPersistence.PERMANENT);
        assertThat(lookup.cached("db", "gone")).contains(RelationPersistence.NOT_FOUND);
    }
}
