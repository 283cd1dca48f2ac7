package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

    /** Token texts until EOF (or the ERROR token, reported as "<error>"). */
    private static List<String> tokens(String sql) {
        SqlLexer lx = new SqlLexer().reset(sql);
        List<String> out = new ArrayList<>();
        int t;
        while ((t = lx.next()) != SqlLexer.EOF) {
            if (t == SqlLexer.ERROR) {
                out.add("<error>");
                break;
            }
            out.add(sql.substring(lx.start(), lx.end()));
        }
        return out;
    }

    @Test
    void lineCommentRunsToEndOfLine() {
        assertThat(tokens("select 1 -- ; drop table t\n, 2")).containsExactly("select", "1", ",", "2");
    }

    @Test
    void blockCommentsNest() {
        assertThat(tokens("select /* outer /* inner */ still comment; */ 1")).containsExactly("select", "1");
    }

    @Test
    void unterminatedBlockCommentIsAnError() {
        assertThat(tokens("select 1 /* /* */")).containsExactly("select", "1", "<error>");
    }

    @Test
    void doubledQuoteStaysInsideString() {
        assertThat(tokens("select 'it''s; here' as x")).containsExactly("select", "'it''s; here'", "as", "x");
    }

    @Test
    void escapeStringHonoursBackslashQuote() {
        assertThat(tokens("select E'a\\'b;c' , 1")).containsExactly("select", "E'a\\'b;c'", ",", "1");
    }

    @Test
    void standardStringTreatsBackslashLiterally() {
        assertThat(tokens("select 'a\\' , 1")).containsExactly("select", "'a\\'", ",", "1");
    }

    @Test
    void dollarQuotedBodyIsOneToken() {
        assertThat(tokens("do $$ begin; select 1; end $$")).containsExactly("do", "$$ begin; select 1; end $$");
    }

    @Test
    void taggedDollarQuoteEndsOnlyAtSameTag() {
        assertThat(tokens("select $fn$ a $x$ b $fn$, 2")).containsExactly("select", "$fn$ a $x$ b $fn$", ",", "2");
    }

    @Test
    void positionalParameterIsNotADollarQuote() {
        assertThat(tokens("select $1, $2")).containsExactly("select", "$1", ",", "$2");
    }

    @Test
    void quotedIdentifierKeepsCaseAndDoubledQuotes() {
        SqlLexer lx = new SqlLexer().reset("\"My \"\"Table\"\"\"");
        assertThat(lx.next()).isEqualTo(SqlLexer.QUOTED_IDENT);
        assertThat(lx.identifier()).isEqualTo("My \"Table\"");
    }

    @Test
    void unquotedIdentifierFoldsToLowerCase() {
        SqlLexer lx = new SqlLexer().reset("PgBench_Accounts");
        lx.next();
        assertThat(lx.identifier()).isEqualTo("pgbench_accounts");
    }

    @Test
    void castOperatorIsOneToken() {
        assertThat(tokens("select x::int")).containsExactly("select", "x", "::", "int");
    }

    @Test
    void operatorRunStopsBeforeComment() {
        assertThat(tokens("select 1+/*c*/2")).containsExactly("select", "1", "+", "2");
    }

    @Test
    void leadingCommentAndHintAreReported() {
        SqlLexer lx = new SqlLexer().reset("  /*NO LOAD BALANCE*/ select 1");
        lx.next();
        assertThat(lx.leadingWhitespace()).isTrue();
        assertThat(lx.leadingComment()).isTrue();
        assertThat(lx.noLoadBalanceHint()).isTrue();
    }

    @Test
    void commentAfterFirstTokenIsNotLeading() {
        SqlLexer lx = new SqlLexer().reset("select /*NO LOAD BALANCE*/ 1");
        while (lx.next() != SqlLexer.EOF) {
            // drain
        }
        assertThat(lx.leadingComment()).isFalse();
        assertThat(lx.noLoadBalanceHint()).isFalse();
    }

    @Test
    void unicodeEscapeStringIsOneToken() {
        assertThat(tokens("select U&'d\\0061t' , 1")).containsExactly("select", "U&'d\\0061t'", ",", "1");
    }

    @Test
    void keywordLookupIgnoresCaseAndRejectsQuoted() {
        SqlLexer lx = new SqlLexer().reset("SeLeCt \"select\" selection");
        lx.next();
        assertThat(Keyword.of(lx)).isEqualTo(Keyword.SELECT);
        lx.next();
        assertThat(Keyword.of(lx)).isEqualTo(Keyword.NONE);
        lx.next();
        assertThat(Keyword.of(lx)).isEqualTo(Keyword.NONE);
    }

    @Test
    void keywordLookupFoldsOnlyAsciiLetters() {
        // U+017F (long s) upper-cases to 'S' in Java, but PostgreSQL folds only A-Z: this is a name.
        SqlLexer lx = new SqlLexer().reset("\u017Felect SELECT");
        lx.next();
        assertThat(Keyword.of(lx)).isEqualTo(Keyword.NONE);
        lx.next();
        assertThat(Keyword.of(lx)).isEqualTo(Keyword.SELECT);
    }
}
