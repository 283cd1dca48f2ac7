package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatementShapeTest {

    private static StatementShape shape(String sql) {
        return StatementShape.of(sql);
    }

    @Test
    void textsDifferingOnlyInNumbersHaveOneShape() {
        assertThat(shape("UPDATE pgbench_accounts SET abalance = abalance + -2345 WHERE aid = 77;"))
                .isEqualTo(shape("UPDATE pgbench_accounts SET abalance = abalance + -5 WHERE aid = 412009;"))
                .hasSameHashCodeAs(shape("UPDATE pgbench_accounts SET abalance = abalance + -5 WHERE aid = 412009;"));
        assertThat(shape("SELECT 1.5, .25, 3e-7, 10 FROM t")).isEqualTo(shape("SELECT 2, .5, 1e+9, 0x1F FROM t"));
        assertThat(shape("INSERT INTO h VALUES (1, 2, 3, -44, CURRENT_TIMESTAMP)"))
                .isEqualTo(shape("INSERT INTO h VALUES (10, 20, 30, -4400, CURRENT_TIMESTAMP)"));
    }

    @Test
    void anyOtherDifferenceMakesAnotherShape() {
        assertThat(shape("SELECT a FROM t WHERE id = 1")).isNotEqualTo(shape("SELECT a FROM t WHERE id =1"));
        assertThat(shape("SELECT a FROM t WHERE id = 1")).isNotEqualTo(shape("SELECT b FROM t WHERE id = 1"));
        assertThat(shape("SELECT a FROM t WHERE id = 1")).isNotEqualTo(shape("select a from t where id = 1"));
        assertThat(shape("SELECT a FROM t WHERE id = 1")).isNotEqualTo(shape("SELECT a FROM t WHERE id = 1 + 1"));
        assertThat(shape("SELECT a FROM t WHERE id = 1")).isNotEqualTo(shape("SELECT a FROM t WHERE id = -1"));
    }

    @Test
    void digitsOfIdentifiersAndParametersAreNotNumbers() {
        assertThat(shape("SELECT * FROM t1 WHERE a = 5")).isNotEqualTo(shape("SELECT * FROM t2 WHERE a = 5"));
        assertThat(shape("SELECT * FROM t WHERE a = $1 LIMIT 5")).isNotEqualTo(shape("SELECT * FROM t WHERE a = $2 LIMIT 5"));
        assertThat(shape("SELECT col_2 FROM t LIMIT 5")).isNotEqualTo(shape("SELECT col_3 FROM t LIMIT 5"));
        assertThat(shape("SELECT * FROM t1")).as("no number, no shape").isNull();
        assertThat(shape("SELECT * FROM t WHERE a = $1")).as("a parameter is not a number").isNull();
    }

    @Test
    void textsTheLexerMustReadHaveNoShape() {
        assertThat(shape("SELECT 1 FROM t WHERE name = 'x'")).as("string").isNull();
        assertThat(shape("SELECT 1 FROM \"T\"")).as("quoted identifier").isNull();
        assertThat(shape("SELECT 1 -- comment")).as("line comment").isNull();
        assertThat(shape("/*NO LOAD BALANCE*/ SELECT 1")).as("block comment").isNull();
        assertThat(shape("SELECT 1, $$text$$")).as("dollar quote").isNull();
        assertThat(shape("SELECT 1$$x$$")).as("dollar quote right after a number").isNull();
        assertThat(shape("SELECT E'\\n', 1")).as("escape string").isNull();
        assertThat(shape("SELECT 1 FROM tàble")).as("non-ASCII").isNull();
        assertThat(shape("SELECT 1 \\g")).as("backslash").isNull();
        assertThat(shape("SELECT 1\u0000")).as("control character").isNull();
        assertThat(shape("SELECT a$1 FROM t LIMIT 5")).as("'$' inside an identifier").isNull();
        assertThat(shape("SELECT $1$$x$$ LIMIT 5")).as("dollar quote right after a parameter").isNull();
    }

    @Test
    void leadingWhiteSpaceIsPartOfTheShape() {
        assertThat(shape(" SELECT 1")).isNotEqualTo(shape("SELECT 1"));
        assertThat(shape("\tSELECT 1")).isEqualTo(shape("\tSELECT 22"));
    }

    /**
     * The property the classifier's cache relies on: texts of one shape lex to the same tokens
     * apart from the numbers' texts. Random texts over fragments that stress where numbers start
     * and end (identifiers with digits, parameters, '.', exponents, signs), each paired with a
     * copy whose digits were changed at random.
     */
    @Test
    void textsOfOneShapeLexAlikeButForNumbers() {
        String[] fragments = {"SELECT", " ", "t", "x1", "1", "23", ".", "5", "e", "E", "+", "-", "$", "$1", "_",
            "(", ")", ",", "=", ";", "::", "a.b", "0x", "1_000", "*", "<>", "\n", "a$", "$$", "'", "--", "/*"};
        Random random = new Random(42);
        int shaped = 0;
        int sameShape = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                sb.append(fragments[random.nextInt(fragments.length)]);
            }
            String a = sb.toString();
            String b = changeDigits(a, random);
            StatementShape shapeA = shape(a);
            StatementShape shapeB = shape(b);
            if (shapeA == null) {
                continue;
            }
            shaped++;
            assertThat(shapeB).as("%s / %s", a, b).isNotNull();
            if (shapeA.equals(shapeB)) {
                sameShape++;
                assertThat(shapeB).as("equality is symmetric: %s / %s", a, b).isEqualTo(shapeA);
                assertThat(shapeB.hashCode()).as("%s / %s", a, b).isEqualTo(shapeA.hashCode());
                assertThat(tokensWithNumbersMasked(b)).as("%s / %s", a, b).isEqualTo(tokensWithNumbersMasked(a));
            }
        }
        assertThat(shaped).as("texts with a shape").isGreaterThan(5_000);
        assertThat(sameShape).as("pairs of one shape").isGreaterThan(2_000);
    }

    private static String changeDigits(String s, Random random) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(c >= '0' && c <= '9' && random.nextBoolean() ? (char) ('0' + random.nextInt(10)) : c);
        }
        return out.toString();
    }

    /** Token types and texts as the classifier's lexer reads them, every number's text replaced by '#'. */
    private static List<String> tokensWithNumbersMasked(String sql) {
        SqlLexer lx = new SqlLexer().reset(sql);
        List<String> out = new ArrayList<>();
        int t;
        while ((t = lx.next()) != SqlLexer.EOF) {
            out.add(t + ":" + (t == SqlLexer.NUMBER ? "#" : sql.substring(lx.start(), lx.end())));
            if (t == SqlLexer.ERROR) {
                break;
            }
        }
        return out;
    }
}
