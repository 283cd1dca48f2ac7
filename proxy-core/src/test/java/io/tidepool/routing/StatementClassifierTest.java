package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.routing.StatementClassification.Access;
import io.tidepool.routing.StatementClassification.Isolation;
import io.tidepool.routing.StatementClassification.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatementClassifierTest {

    private final StatementClassifier classifier = new StatementClassifier(100);

    private StatementClassification c(String sql) {
        return classifier.classify(sql);
    }

    // ---- reads -------------------------------------------------------------------------

    @Test
    void pgbenchSelectIsAFastPathReadOfOneTable() {
        StatementClassification s = c("SELECT abalance FROM pgbench_accounts WHERE aid = 4711;");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
        assertThat(s.source()).isEqualTo(Source.FAST_PATH);
        assertThat(s.readTables()).containsExactlyInAnyOrder("pgbench_accounts");
        assertThat(s.functions()).isEmpty();
        assertThat(s.writes()).isFalse();
    }

    @Test
    void joinsAndCommaListsNameEveryTable() {
        StatementClassification s = c("select * from a x, public.b as y join \"C\" z on x.id = z.id "
                + "left outer join d using (id) where x.v > 1");
        assertThat(s.readTables()).containsExactlyInAnyOrder("a", "public.b", "C", "d");
    }

    @Test
    void subqueriesInFromWhereAndSelectListAreRead() {
        StatementClassification s = c("select (select max(v) from t1), * from (select * from t2) s "
                + "where exists (select 1 from t3 where t3.id = s.id) and s.id in (select id from t4)");
        assertThat(s.readTables()).containsExactlyInAnyOrder("t1", "t2", "t3", "t4");
        assertThat(s.functions()).containsExactlyInAnyOrder("max");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
    }

    @Test
    void functionCallsAreNamedWithTheirSchema() {
        StatementClassification s = c("SELECT now(), pg_catalog.set_config('a', 'b', false), myschema.f(1)");
        assertThat(s.functions()).containsExactlyInAnyOrder("now", "pg_catalog.set_config", "myschema.f");
    }

    @Test
    void sqlSyntaxThatLooksLikeCallsIsNotAFunction() {
        StatementClassification s = c("select cast(x as numeric(10,2)), coalesce(a, b), extract(year from ts), "
                + "x::varchar(20), count(*) over (partition by k) from t where k in (1, 2) and v = any($1)");
        assertThat(s.functions()).containsExactlyInAnyOrder("count");
        assertThat(s.readTables()).containsExactlyInAnyOrder("t");
    }

    @Test
    void extractFromIsNotATableReference() {
        StatementClassification s = c("select extract(epoch from now()) , substring(name from 2 for 3) from users");
        assertThat(s.readTables()).containsExactlyInAnyOrder("users");
        assertThat(s.functions()).containsExactlyInAnyOrder("now");
    }

    @Test
    void isDistinctFromIsNotATableReference() {
        assertThat(c("select 1 from t where a is not distinct from b").readTables()).containsExactlyInAnyOrder("t");
    }

    @Test
    void setReturningFunctionInFromIsAFunctionNotATable() {
        StatementClassification s = c("select * from generate_series(1, 10) g(i) join t on t.id = g.i");
        assertThat(s.functions()).containsExactlyInAnyOrder("generate_series");
        assertThat(s.readTables()).containsExactlyInAnyOrder("t");
    }

    @Test
    void catalogQueriesAreFlagged() {
        assertThat(c("SELECT typname FROM pg_catalog.pg_type WHERE oid = $1").readsSystemCatalog()).isTrue();
        assertThat(c("select * from pg_class").readsSystemCatalog()).isTrue();
        assertThat(c("select * from information_schema.tables").readsSystemCatalog()).isTrue();
        assertThat(c("select * from pgbench_branches").readsSystemCatalog()).isFalse();
    }

    @Test
    void pgjdbcTypeLookupIsAReadOfTheCatalog() {
        StatementClassification s = c("SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname "
                + "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
        assertThat(s.readTables()).containsExactlyInAnyOrder("pg_catalog.pg_type", "pg_catalog.pg_namespace");
        assertThat(s.functions()).containsExactlyInAnyOrder("current_schemas");
        assertThat(s.readsSystemCatalog()).isTrue();
    }

    @Test
    void hibernateStyleQueryIsARead() {
        StatementClassification s = c("select u1_0.id,u1_0.email,u1_0.name from users u1_0 "
                + "left join orders o1_0 on u1_0.id=o1_0.user_id where u1_0.email=? order by u1_0.id offset ? rows fetch first ? rows only");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
        assertThat(s.readTables()).containsExactlyInAnyOrder("users", "orders");
    }

    @Test
    void valuesAndTableAreReads() {
        assertThat(c("VALUES (1, 'a'), (2, 'b')").kind()).isEqualTo(StatementKind.READ);
        assertThat(c("TABLE accounts").readTables()).containsExactlyInAnyOrder("accounts");
    }

    @Test
    void parenthesizedUnionIsARead() {
        StatementClassification s = c("(select a from t1) union all (select a from t2) order by 1");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
        assertThat(s.readTables()).containsExactlyInAnyOrder("t1", "t2");
    }

    @Test
    void showIsARead() {
        assertThat(c("SHOW transaction_isolation").kind()).isEqualTo(StatementKind.READ);
    }

    // ---- locking and SELECT INTO ---------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "select * from t where id = 1 for update",
            "select * from t for no key update skip locked",
            "select * from t for share",
            "select * from t for key share nowait",
            "select * from a where id in (select id from b for update)",
            "with x as (select * from t for update) select * from x"})
    void lockingSelectIsAWrite(String sql) {
        StatementClassification s = c(sql);
        assertThat(s.locking()).isTrue();
        assertThat(s.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(s.writes()).isTrue();
    }

    @Test
    void forInsideSubstringIsNotLocking() {
        assertThat(c("select substring(x from 1 for 2) from t").locking()).isFalse();
    }

    @Test
    void selectIntoCreatesATable() {
        StatementClassification s = c("SELECT * INTO TEMP snapshot FROM accounts");
        assertThat(s.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(s.writtenTables()).containsExactlyInAnyOrder("snapshot");
        assertThat(s.createdTempTables()).containsExactlyInAnyOrder("snapshot");
    }

    // ---- writes --------------------------------------------------------------------------

    @Test
    void pgbenchTpcbStatementsAreWritesOfTheirTable() {
        assertThat(c("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;").writtenTables())
                .containsExactlyInAnyOrder("pgbench_accounts");
        assertThat(c("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);")
                .writtenTables()).containsExactlyInAnyOrder("pgbench_history");
        assertThat(c("DELETE FROM ONLY t WHERE id IN (SELECT id FROM u)").writtenTables()).containsExactlyInAnyOrder("t");
        assertThat(c("MERGE INTO target t USING src s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v")
                .writtenTables()).containsExactlyInAnyOrder("target");
    }

    @Test
    void insertWithOnConflictIsReadAsAWrite() {
        StatementClassification s = c("insert into kv(k, v) values ($1, $2) on conflict (k) do update set v = excluded.v returning v");
        assertThat(s.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(s.writtenTables()).containsExactlyInAnyOrder("kv");
        assertThat(s.source()).isEqualTo(Source.FAST_PATH);
    }

    @Test
    void truncateNamesEveryTable() {
        assertThat(c("TRUNCATE TABLE a, ONLY b RESTART IDENTITY").writtenTables()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void ddlIsAWrite() {
        for (String sql : new String[] {"CREATE INDEX i ON t(a)", "ALTER TABLE t ADD COLUMN c int",
                "DROP INDEX i", "GRANT SELECT ON t TO bob", "VACUUM ANALYZE t", "COMMENT ON TABLE t IS 'x'",
                "CALL proc(1)", "DO $$ BEGIN PERFORM 1; END $$", "REFRESH MATERIALIZED VIEW mv", "CHECKPOINT"}) {
            assertThat(c(sql).kind()).as(sql).isEqualTo(StatementKind.WRITE);
        }
    }

    @Test
    void createTempTableIsTraced() {
        StatementClassification s = c("CREATE TEMPORARY TABLE IF NOT EXISTS scratch (id int) ON COMMIT DROP");
        assertThat(s.createdTempTables()).containsExactlyInAnyOrder("scratch");
        assertThat(c("create local temp view v as select 1").createdTempTables()).containsExactlyInAnyOrder("v");
        assertThat(c("create unlogged table u (i int)").createdTempTables()).isEmpty();
    }

    @Test
    void dropTableNamesEveryDroppedTable() {
        assertThat(c("DROP TABLE IF EXISTS a, s.b CASCADE").droppedTables()).containsExactlyInAnyOrder("a", "s.b");
    }

    @Test
    void lockIsAWriteThatLocks() {
        StatementClassification s = c("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
        assertThat(s.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(s.locking()).isTrue();
        assertThat(s.readTables()).containsExactlyInAnyOrder("accounts");
    }

    @Test
    void copyDirectionDecides() {
        assertThat(c("COPY t (a, b) FROM STDIN").kind()).isEqualTo(StatementKind.WRITE);
        assertThat(c("COPY t FROM STDIN").writtenTables()).containsExactlyInAnyOrder("t");
        assertThat(c("COPY t TO STDOUT").kind()).isEqualTo(StatementKind.READ);
        StatementClassification q = c("COPY (SELECT * FROM a JOIN b USING (id)) TO STDOUT WITH (FORMAT csv)");
        assertThat(q.kind()).isEqualTo(StatementKind.READ);
        assertThat(q.readTables()).containsExactlyInAnyOrder("a", "b");
        assertThat(c("COPY t TO '/tmp/x.csv'").kind()).isEqualTo(StatementKind.PRIMARY_ONLY);
    }

    // ---- CTEs (parser path) --------------------------------------------------------------

    @Test
    void readOnlyCteIsAParsedRead() {
        StatementClassification s = c("WITH recent AS (SELECT * FROM orders WHERE ts > now() - interval '1 day') "
                + "SELECT count(*) FROM recent JOIN customers c ON c.id = recent.customer_id");
        assertThat(s.source()).isEqualTo(Source.PARSER);
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
        assertThat(s.readTables()).containsExactlyInAnyOrder("orders", "customers");
        assertThat(s.functions()).contains("now", "count");
    }

    @Test
    void dataModifyingCteIsAWrite() {
        StatementClassification s = c("WITH moved AS (DELETE FROM queue WHERE id = 1 RETURNING *) "
                + "SELECT * FROM moved");
        assertThat(s.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(s.writtenTables()).containsExactlyInAnyOrder("queue");
    }

    @Test
    void cteFeedingAnInsertIsAWrite() {
        StatementClassification s = c("WITH src AS (SELECT 1 AS a) INSERT INTO dst SELECT a FROM src");
        assertThat(s.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(s.writtenTables()).containsExactlyInAnyOrder("dst");
    }

    // ---- transactions and session state ---------------------------------------------------

    @Test
    void beginReadsTransactionModes() {
        StatementClassification s = c("BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY");
        assertThat(s.kind()).isEqualTo(StatementKind.TRANSACTION_BEGIN);
        assertThat(s.transactionModes().isolation()).isEqualTo(Isolation.SERIALIZABLE);
        assertThat(s.transactionModes().access()).isEqualTo(Access.READ_ONLY);
        assertThat(c("START TRANSACTION READ WRITE").transactionModes().readWrite()).isTrue();
        assertThat(c("begin transaction isolation level repeatable read").transactionModes().isolation())
                .isEqualTo(Isolation.REPEATABLE_READ);
        assertThat(c("BEGIN").transactionModes()).isEqualTo(StatementClassification.TransactionModes.NONE);
    }

    @Test
    void transactionEndsAreRecognised() {
        for (String sql : new String[] {"COMMIT", "END", "ROLLBACK", "ABORT", "commit work", "rollback and chain"}) {
            assertThat(c(sql).kind()).as(sql).isEqualTo(StatementKind.TRANSACTION_END);
        }
        assertThat(c("COMMIT PREPARED 'x'").kind()).isEqualTo(StatementKind.WRITE);
        assertThat(c("PREPARE TRANSACTION 'x'").kind()).isEqualTo(StatementKind.WRITE);
    }

    @Test
    void savepointsGoToEveryNode() {
        assertThat(c("SAVEPOINT s1").kind()).isEqualTo(StatementKind.SESSION_STATE);
        assertThat(c("RELEASE SAVEPOINT s1").kind()).isEqualTo(StatementKind.SESSION_STATE);
        assertThat(c("ROLLBACK TO SAVEPOINT s1").kind()).isEqualTo(StatementKind.SESSION_STATE);
        assertThat(c("rollback work to s1").kind()).isEqualTo(StatementKind.SESSION_STATE);
    }

    @Test
    void pgjdbcSessionSetupIsSessionState() {
        assertThat(c("SET extra_float_digits = 3").kind()).isEqualTo(StatementKind.SESSION_STATE);
        assertThat(c("SET application_name = 'PostgreSQL JDBC Driver'").kind()).isEqualTo(StatementKind.SESSION_STATE);
        assertThat(c("RESET ALL").kind()).isEqualTo(StatementKind.SESSION_STATE);
        assertThat(c("DISCARD ALL").discardsTempTables()).isTrue();
        assertThat(c("DISCARD PLANS").discardsTempTables()).isFalse();
        assertThat(c("DEALLOCATE ALL").kind()).isEqualTo(StatementKind.SESSION_STATE);
        assertThat(c("DEALLOCATE stmt1").kind()).isEqualTo(StatementKind.PRIMARY_ONLY);
    }

    @Test
    void setTransactionAndSessionDefaultsCarryModes() {
        assertThat(c("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").transactionModes().serializable()).isTrue();
        StatementClassification chars = c("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
        assertThat(chars.transactionModes().serializable()).isTrue();
        assertThat(chars.transactionModes().sessionDefault()).isTrue();
        StatementClassification guc = c("set default_transaction_isolation = 'serializable'");
        assertThat(guc.transactionModes().serializable()).isTrue();
        assertThat(guc.transactionModes().sessionDefault()).isTrue();
        assertThat(c("SET default_transaction_read_only TO on").transactionModes().readOnly()).isTrue();
    }

    @Test
    void notificationsAndCursorsStayOnThePrimary() {
        for (String sql : new String[] {"LISTEN ch", "NOTIFY ch, 'x'", "UNLISTEN *", "DECLARE c CURSOR FOR SELECT 1",
                "FETCH 10 FROM c", "CLOSE c", "PREPARE p AS SELECT 1", "EXECUTE p"}) {
            assertThat(c(sql).kind()).as(sql).isEqualTo(StatementKind.PRIMARY_ONLY);
        }
    }

    // ---- EXPLAIN -------------------------------------------------------------------------

    @Test
    void explainWithoutAnalyzeIsAReadEvenOfAWrite() {
        StatementClassification s = c("EXPLAIN UPDATE t SET v = nextval('s')");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
        assertThat(s.functions()).isEmpty();
    }

    @Test
    void explainAnalyzeIsRoutedAsItsStatement() {
        assertThat(c("EXPLAIN ANALYZE UPDATE t SET v = 1").kind()).isEqualTo(StatementKind.WRITE);
        assertThat(c("EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM t").kind()).isEqualTo(StatementKind.READ);
        assertThat(c("EXPLAIN (ANALYZE) SELECT nextval('s')").functions()).containsExactlyInAnyOrder("nextval");
        assertThat(c("EXPLAIN (ANALYZE false) DELETE FROM t").kind()).isEqualTo(StatementKind.READ);
    }

    // ---- comments, hints, white space ---------------------------------------------------

    @Test
    void noLoadBalanceHintIsRecorded() {
        StatementClassification s = c("/*NO LOAD BALANCE*/ SELECT * FROM t");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
        assertThat(s.noLoadBalanceHint()).isTrue();
        assertThat(s.leadingComment()).isTrue();
    }

    @Test
    void ordinaryLeadingCommentIsNotAHint() {
        StatementClassification s = c("-- app: reports\nSELECT 1");
        assertThat(s.leadingComment()).isTrue();
        assertThat(s.noLoadBalanceHint()).isFalse();
    }

    @Test
    void leadingWhiteSpaceIsRecorded() {
        assertThat(c("  \n SELECT 1").leadingWhitespace()).isTrue();
        assertThat(c("SELECT 1").leadingWhitespace()).isFalse();
    }

    @Test
    void semicolonsInsideLiteralsDoNotSplit() {
        StatementClassification s = c("SELECT 'a;b', $$x;y$$, E'\\';' FROM t; -- trailing ; comment");
        assertThat(s.kind()).isEqualTo(StatementKind.READ);
    }

    // ---- multi-statement, empty, unreadable -----------------------------------------------

    @Test
    void multiStatementGoesToThePrimaryAndWritesWhenAPartWrites() {
        StatementClassification s = c("SELECT 1; UPDATE t SET v = 1");
        assertThat(s.kind()).isEqualTo(StatementKind.MULTI_STATEMENT);
        assertThat(s.writes()).isTrue();
        assertThat(s.writtenTables()).containsExactlyInAnyOrder("t");
        StatementClassification reads = c("SELECT 1 FROM a; SELECT 2 FROM b;");
        assertThat(reads.kind()).isEqualTo(StatementKind.MULTI_STATEMENT);
        assertThat(reads.writes()).isFalse();
        assertThat(reads.readTables()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void trailingSemicolonIsOneStatement() {
        assertThat(c("SELECT 1;  ").kind()).isEqualTo(StatementKind.READ);
        assertThat(c("UPDATE t SET v = 1;\n").kind()).isEqualTo(StatementKind.WRITE);
    }

    @Test
    void onlyASemicolonFollowedByNothingButWhitespaceSkipsTheSplitCheck() {
        assertThat(StatementClassifier.onlyTrailingSemicolon("SELECT 1; \n\t", 8)).isTrue();
        assertThat(StatementClassifier.onlyTrailingSemicolon("SELECT 1;", 8)).isTrue();
        assertThat(StatementClassifier.onlyTrailingSemicolon("SELECT 1; SELECT 2", 8)).isFalse();
        assertThat(StatementClassifier.onlyTrailingSemicolon("SELECT 1;;", 8)).isFalse();
        assertThat(StatementClassifier.onlyTrailingSemicolon("SELECT 'a;' ", 9)).isFalse();
        // whitespace as the lexer reads it: U+001C is whitespace to Java, a character to the lexer
        assertThat(StatementClassifier.onlyTrailingSemicolon("SELECT 1;\u001C", 8)).isFalse();
        assertThat(c("SELECT 1;\u001C").kind() == StatementKind.MULTI_STATEMENT)
                .isEqualTo(StatementClassifier.isMultiStatement("SELECT 1;\u001C"));
        // and whatever the shortcut leaves to the lexer still splits where it must
        assertThat(c("SELECT 1;;SELECT 2").kind()).isEqualTo(StatementKind.MULTI_STATEMENT);
        assertThat(c("SELECT ';' ; DELETE FROM t;").kind()).isEqualTo(StatementKind.MULTI_STATEMENT);
    }

    @Test
    void emptyQueriesAreEmpty() {
        assertThat(c("").kind()).isEqualTo(StatementKind.EMPTY);
        assertThat(c("  -- nothing\n").kind()).isEqualTo(StatementKind.EMPTY);
        assertThat(c(";").kind()).isEqualTo(StatementKind.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 'unterminated", "frobnicate the database", "WITH x AS (SELECT 1",
            "SELECT /* open", "42"})
    void unreadableStatementsCountAsWrites(String sql) {
        StatementClassification s = c(sql);
        assertThat(s.kind()).isEqualTo(StatementKind.UNREADABLE);
        assertThat(s.writes()).isTrue();
        assertThat(s.detail()).isNotEmpty();
    }

    // ---- cache ---------------------------------------------------------------------------

    @Test
    void repeatedTextIsServedFromTheCache() {
        StatementClassification first = c("SELECT * FROM cached_table WHERE id = $1");
        StatementClassification second = c("SELECT * FROM cached_table WHERE id = $1");
        assertThat(second).isSameAs(first);
    }

    @Test
    void cacheStaysBounded() {
        StatementClassifier small = new StatementClassifier(50);
        for (int i = 0; i < 1_000; i++) {
            small.classify("SELECT * FROM t" + i + " WHERE id = $1");
        }
        assertThat(small.cachedStatements()).isBetween(1L, 50L);
    }

    @Test
    void textsWithStringConstantsAreClassifiedButNotCached() {
        StatementClassifier fresh = new StatementClassifier(100);
        StatementClassification literal = fresh.classify("SELECT name FROM users WHERE login = 'alice'");
        fresh.classify("UPDATE users SET seen = now() WHERE login = 'bob'");
        assertThat(literal.kind()).isEqualTo(StatementKind.READ);
        assertThat(fresh.cachedStatements()).isZero();

        fresh.classify("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
        fresh.classify("SELECT now()");
        assertThat(fresh.cachedStatements()).isEqualTo(2);
    }

    @Test
    void queriesDifferingOnlyInNumbersShareOneCachedClassification() {
        StatementClassifier fresh = new StatementClassifier(100);
        for (int aid = 1; aid <= 50; aid++) {
            String sql = "UPDATE pgbench_accounts SET abalance = abalance + " + (-aid * 7) + " WHERE aid = " + aid + ";";
            StatementClassification c = fresh.classify(sql);
            assertThat(c).as(sql).isEqualTo(StatementClassifier.analyze(sql));
            assertThat(c.text()).isSameAs(sql);
        }
        String select = "SELECT abalance FROM pgbench_accounts WHERE aid = 4711";
        assertThat(fresh.classifyWithoutParser(select)).contains(StatementClassifier.analyze(select));
        assertThat(fresh.classify("SELECT abalance FROM pgbench_accounts WHERE aid = 17"))
                .isEqualTo(StatementClassifier.analyze("SELECT abalance FROM pgbench_accounts WHERE aid = 17"));
        assertThat(fresh.cachedStatements()).as("one shape per statement").isEqualTo(2);
    }

    /**
     * What sharing by shape relies on: for the commands it covers, texts of one shape classify
     * alike but for their text. Random statements of those commands with number-bearing tails,
     * each against a copy with other digits.
     */
    @Test
    void textsOfOneShapeClassifyAlike() {
        String[] heads = {"SELECT ", "SELECT * FROM t WHERE ", "UPDATE t SET v = ", "DELETE FROM t WHERE ",
            "INSERT INTO t VALUES (", "VALUES (", "SELECT nextval(", "SELECT * FROM t1 JOIN t2 ON ", "EXPLAIN (ANALYZE ",
            "SET transaction_read_only = ", "SELECT * FROM t FOR UPDATE OF t LIMIT "};
        String[] tails = {"1", "0", " ", "a", "t3", ".", "5", "e", "-", "+", "(", ")", ",", "=", "$1", "FROM",
            "pg_class", "x.y", "1e-3", " INTO t9 ", " FOR SHARE", "now()", ";"};
        java.util.Random random = new java.util.Random(7);
        int compared = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder(heads[random.nextInt(heads.length)]);
            for (int p = random.nextInt(8); p >= 0; p--) {
                sb.append(tails[random.nextInt(tails.length)]);
            }
            String a = sb.toString();
            String b = a.replace('0', '7').replace('1', '0').replace('5', '1');
            StatementShape shapeA = StatementShape.of(a);
            StatementClassification classA = StatementClassifier.analyze(a);
            if (shapeA == null || !shapeA.equals(StatementShape.of(b)) || !StatementClassifier.sharedByShape(classA)) {
                continue;
            }
            compared++;
            assertThat(StatementClassifier.analyze(b)).as("%s / %s", a, b).isEqualTo(classA.withText(b));
        }
        assertThat(compared).as("pairs compared").isGreaterThan(2_000);
    }

    @Test
    void textsTooLongToCacheAreNotCachedByShapeEither() {
        StatementClassifier fresh = new StatementClassifier(100);
        StringBuilder sql = new StringBuilder("INSERT INTO t VALUES (0)");
        while (sql.length() <= StatementClassifier.MAX_CACHED_TEXT_LENGTH) {
            sql.append(", (").append(sql.length()).append(')');
        }
        assertThat(fresh.classify(sql.toString()).kind()).isEqualTo(StatementKind.WRITE);
        assertThat(fresh.cachedStatements()).isZero();
    }

    @Test
    void settingsWhoseNumbersMatterAreNotSharedByShape() {
        StatementClassifier fresh = new StatementClassifier(100);
        assertThat(fresh.classify("SET transaction_read_only = 1").transactionModes().access())
                .isEqualTo(StatementClassification.Access.READ_ONLY);
        assertThat(fresh.classify("SET transaction_read_only = 0").transactionModes().access())
                .isEqualTo(StatementClassification.Access.READ_WRITE);
        assertThat(fresh.classify("EXPLAIN (ANALYZE 1) DELETE FROM t WHERE id = 5").kind()).isEqualTo(StatementKind.WRITE);
        assertThat(fresh.classify("EXPLAIN (ANALYZE 0) DELETE FROM t WHERE id = 5").kind()).isEqualTo(StatementKind.READ);
    }

    @Test
    void parserResultsAreCachedEvenWithConstants() {
        StatementClassifier fresh = new StatementClassifier(100);
        String sql = "WITH x AS (SELECT 1 AS one) SELECT * FROM x WHERE one = 1";
        StatementClassification first = fresh.classify(sql);
        assertThat(first.source()).isEqualTo(StatementClassification.Source.PARSER);
        assertThat(fresh.classify(sql)).isSameAs(first);
    }

    @Test
    void classifyWithoutParserDeclinesOnlyUncachedWithQueries() {
        StatementClassifier fresh = new StatementClassifier(10);
        assertThat(fresh.classifyWithoutParser("SELECT * FROM t")).isPresent();
        assertThat(fresh.classifyWithoutParser("WITH x AS (SELECT 1) SELECT * FROM x")).isEmpty();
        assertThat(fresh.classifyWithoutParser("EXPLAIN ANALYZE WITH x AS (SELECT 1) SELECT * FROM x")).isEmpty();
        fresh.classify("WITH x AS (SELECT 1) SELECT * FROM x");
        assertThat(fresh.classifyWithoutParser("WITH x AS (SELECT 1) SELECT * FROM x")).isPresent();
    }
}
