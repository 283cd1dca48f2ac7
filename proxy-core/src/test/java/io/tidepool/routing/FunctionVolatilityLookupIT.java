package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.PgEndpoint;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pg_proc / pg_class look-ups against a real PostgreSQL, and the router acting on their answers. */
class FunctionVolatilityLookupIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    private static ExecutorService executor;
    private static CatalogQuery query;

    @BeforeAll
    static void createFunctions() {
        pg.primary().execute("""
                create schema if not exists tp_routing;
                create or replace function tp_routing.writer() returns int volatile language sql as 'select 1';
                create or replace function tp_routing.reader() returns int stable language sql as 'select 1';
                create or replace function tp_routing.pure(int) returns int immutable language sql as 'select $1';
                create or replace function tp_routing.mixed(int) returns int immutable language sql as 'select $1';
                create or replace function tp_routing.mixed(text) returns int volatile language sql as 'select 1';
                create table if not exists tp_routing.logged_table (id int);
                create unlogged table if not exists tp_routing.unlogged_table (id int);
                """);
        executor = Executors.newFixedThreadPool(2);
        PgEndpoint endpoint = pg.primary().endpoint();
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.user());
        properties.setProperty("password", endpoint.password());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        query = new JdbcCatalogQuery(database -> endpoint.withDatabase(database).jdbcUrl(), properties);
    }

    @AfterAll
    static void dropFunctions() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        pg.primary().execute("drop schema tp_routing cascade");
    }

    private static String database() {
        return pg.primary().endpoint().database();
    }

    @Test
    void volatilityComesFromPgProc() throws Exception {
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(query, executor, 100,
                Duration.ofMinutes(5));

        Map<String, FunctionVolatility> answers = lookup.resolve(database(), List.of(
                "tp_routing.writer", "tp_routing.reader", "tp_routing.pure", "writer", "nextval", "now", "lower",
                "no_such_function_anywhere")).get(30, TimeUnit.SECONDS);

        assertThat(answers).containsEntry("tp_routing.writer", FunctionVolatility.VOLATILE)
                .containsEntry("tp_routing.reader", FunctionVolatility.STABLE)
                .containsEntry("tp_routing.pure", FunctionVolatility.IMMUTABLE)
                .containsEntry("writer", FunctionVolatility.VOLATILE)
                .containsEntry("nextval", FunctionVolatility.VOLATILE)
                .containsEntry("now", FunctionVolatility.STABLE)
                .containsEntry("lower", FunctionVolatility.IMMUTABLE)
                .containsEntry("no_such_function_anywhere", FunctionVolatility.NOT_FOUND);
    }

    @Test
    void mostVolatileOverloadWins() throws Exception {
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(query, executor, 100,
                Duration.ofMinutes(5));
        assertThat(lookup.resolve(database(), List.of("tp_routing.mixed")).get(30, TimeUnit.SECONDS))
                .containsEntry("tp_routing.mixed", FunctionVolatility.VOLATILE);
    }

    @Test
    void cachedIsEmptyUntilTheBackgroundLookupCompletes() throws Exception {
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(query, executor, 100,
                Duration.ofMinutes(5));
        assertThat(lookup.cached(database(), "tp_routing.reader")).isEmpty();

        lookup.resolve(database(), List.of("tp_routing.reader")).get(30, TimeUnit.SECONDS);

        assertThat(lookup.cached(database(), "tp_routing.reader")).contains(FunctionVolatility.STABLE);
    }

    @Test
    void routerSendsVolatileCallsToPrimaryOnceTheAnswerIsKnown() throws Exception {
        PgCatalogFunctionVolatilityLookup lookup = new PgCatalogFunctionVolatilityLookup(query, executor, 100,
                Duration.ofMinutes(5));
        RoutingFixture f = new RoutingFixture(RoutingSettings.builder()
                .checkTempTable(RoutingSettings.TempTableCheck.TRACE).checkUnloggedTable(false).build(),
                lookup, RelationPersistenceLookup.ALL_PERMANENT);
        f.session = SessionRoutingState.start(database(), "postgres", "it").withLoadBalanceNode(2, "test");

        RoutingDecision first = f.run("SELECT tp_routing.writer(), tp_routing.reader()");
        assertThat(first.nodeIds()).containsExactly(0);
        assertThat(first.pendingFunctions()).containsExactlyInAnyOrder("tp_routing.writer", "tp_routing.reader");

        lookup.resolve(database(), first.pendingFunctions()).get(30, TimeUnit.SECONDS);

        RoutingDecision known = f.run("SELECT tp_routing.writer(), tp_routing.reader()");
        assertThat(known.rule()).isEqualTo("function tp_routing.writer() is volatile (pg_proc)");
        assertThat(f.run("SELECT tp_routing.reader()").nodeIds()).containsExactly(2);
    }

    @Test
    void relationPersistenceComesFromPgClass() throws Exception {
        PgCatalogRelationPersistenceLookup lookup = new PgCatalogRelationPersistenceLookup(query, executor, 100,
                Duration.ofSeconds(30));
        // a temporary table exists only while its session lives: keep one open during the look-ups
        try (Connection holder = pg.primary().connect(); Statement st = holder.createStatement()) {
            st.execute("create temp table tp_routing_temp (id int)");
            for (String name : List.of("tp_routing.logged_table", "tp_routing.unlogged_table", "unlogged_table",
                    "tp_routing_temp", "no_such_relation")) {
                lookup.cached(database(), name);
            }
            assertThat(await(lookup, "tp_routing.logged_table")).isEqualTo(RelationPersistence.PERMANENT);
            assertThat(await(lookup, "tp_routing.unlogged_table")).isEqualTo(RelationPersistence.UNLOGGED);
            assertThat(await(lookup, "unlogged_table")).isEqualTo(RelationPersistence.UNLOGGED);
            assertThat(await(lookup, "tp_routing_temp")).isEqualTo(RelationPersistence.TEMPORARY);
            assertThat(await(lookup, "no_such_relation")).isEqualTo(RelationPersistence.NOT_FOUND);
        }
    }

    private static RelationPersistence await(RelationPersistenceLookup lookup, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var answer = lookup.cached(database(), name);
            if (answer.isPresent()) {
                return answer.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no answer for " + name + " within 30 s");
    }
}
