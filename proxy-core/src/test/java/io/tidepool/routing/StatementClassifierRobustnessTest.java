package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hostile and broken input: the classifier answers for every text and never throws. */
class StatementClassifierRobustnessTest {

    private static final List<String> CORPUS = List.of(
            "SELECT abalance FROM pgbench_accounts WHERE aid = $1;",
            "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2",
            "select * from (select a, count(*) over (partition by b) from t where c in (select d from u)) s for update",
            "WITH d AS (DELETE FROM q WHERE id = $1 RETURNING *) INSERT INTO log SELECT * FROM d",
            "SELECT E'it\\'s', $$a;b$$, $tag$ x $tag$, \"Quoted\"\"Name\" /* c /* nested */ */ -- end",
            "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE",
            "COPY (SELECT * FROM t) TO STDOUT WITH (FORMAT csv)",
            "EXPLAIN (ANALYZE, BUFFERS off) SELECT nextval('s')",
            "SET default_transaction_isolation = 'serializable'; SELECT 1",
            "CREATE TEMP TABLE x AS SELECT * FROM y");

    @Test
    void everyPrefixOfEveryStatementIsClassified() {
        for (String sql : CORPUS) {
            for (int end = 0; end <= sql.length(); end++) {
                StatementClassification c = StatementClassifier.analyze(sql.substring(0, end));
                assertThat(c.kind()).as("prefix %d of %s", end, sql).isNotNull();
            }
        }
    }

    @Test
    void randomMutationsAreClassified() {
        SplittableRandom random = new SplittableRandom(7);
        String alphabet = "()';\"$-/*, \n\tselectfromwhereE1.:";
        for (String sql : CORPUS) {
            for (int trial = 0; trial < 300; trial++) {
                StringBuilder b = new StringBuilder(sql);
                int edits = 1 + random.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(b.length() + 1);
                    if (random.nextBoolean() && at < b.length()) {
                        b.deleteCharAt(at);
                    } else {
                        b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
                assertThat(StatementClassifier.analyze(b.toString()).kind()).isNotNull();
            }
        }
    }

    @Test
    void deeplyNestedParenthesesAreUnreadableNotACrash() {
        String sql = "SELECT " + "(".repeat(10_000) + "1" + ")".repeat(10_000);
        assertThat(StatementClassifier.analyze(sql).kind()).isEqualTo(StatementKind.UNREADABLE);
    }

    @Test
    void hugeWithQueryIsNotHandedToTheParser() {
        String sql = "WITH x AS (SELECT 1) SELECT * FROM x WHERE a IN (" + "1,".repeat(40_000) + "1)";
        StatementClassification c = StatementClassifier.analyze(sql);
        assertThat(c.kind()).isEqualTo(StatementKind.UNREADABLE);
        assertThat(c.detail()).contains("parser limit");
    }

    @Test
    void controlCharactersAndNonAsciiAreTolerated() {
        assertThat(StatementClassifier.analyze("SELECT \u0000\u0001 FROM t").kind()).isNotNull();
        assertThat(StatementClassifier.analyze("SELECT * FROM größe WHERE name = 'ü'").readTables())
                .containsExactly("größe");
    }
}
