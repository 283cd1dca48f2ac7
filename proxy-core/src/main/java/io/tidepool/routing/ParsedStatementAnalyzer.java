package io.tidepool.routing;

import io.tidepool.routing.StatementClassification.Source;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * The slow path: statements the lexer does not read itself (WITH queries) go through JSqlParser,
 * which tells a data-modifying CTE ({@code WITH d AS (DELETE ... RETURNING *) SELECT ...}) from a
 * read-only one, and names the tables and functions.
 *
 * <p>The parser is driven directly ({@link CCJSqlParser#Statement()}) rather than through
 * {@code CCJSqlParserUtil.parse}, which hands every parse to an executor thread for its timeout.
 * Its results are cached by {@link StatementClassifier}, so each distinct text pays once.
 */
final class ParsedStatementAnalyzer {

    /** Longest text handed to JSqlParser. */
    static final int MAX_PARSED_LENGTH = 64 * 1024;

    private ParsedStatementAnalyzer() {
    }

    /** Classifies a statement that starts with WITH. The lexer is only used for its text. */
    static void analyzeWith(SqlLexer lx, Facts f) {
        String sql = lx.text();
        if (sql.length() > MAX_PARSED_LENGTH) {
            // JSqlParser's time grows quickly with size; a giant WITH query is rare enough to send to the primary
            throw new StatementClassifier.Unreadable("WITH query of " + sql.length()
                    + " characters exceeds the parser limit of " + MAX_PARSED_LENGTH);
        }
        Statement statement;
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql);
            statement = parser.Statement();
        } catch (Exception e) {
            throw new StatementClassifier.Unreadable("JSqlParser could not read the WITH query: "
                    + firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new StatementClassifier.Unreadable("WITH query nested too deeply for JSqlParser");
        }
        f.source = Source.PARSER;
        // Detach the WITH list before walking: JSqlParser's TablesNamesFinder assumes every CTE
        // body is a SELECT and fails on data-modifying ones, so each body is walked on its own.
        List<WithItem<?>> withItems;
        if (statement instanceof Select select) {
            withItems = nullToEmpty(select.getWithItemsList());
            select.setWithItemsList(null);
            f.kind(StatementKind.READ, "WITH SELECT");
            if (select instanceof PlainSelect plain && plain.getIntoTables() != null) {
                plain.getIntoTables().forEach(t -> f.writtenTable(fold(t.getFullyQualifiedName())));
            }
        } else if (statement instanceof Insert insert) {
            withItems = nullToEmpty(insert.getWithItemsList());
            insert.setWithItemsList(null);
            f.kind(StatementKind.WRITE, "WITH INSERT");
            f.writtenTable(fold(insert.getTable().getFullyQualifiedName()));
        } else if (statement instanceof Update update) {
            withItems = nullToEmpty(update.getWithItemsList());
            update.setWithItemsList(null);
            f.kind(StatementKind.WRITE, "WITH UPDATE");
            f.writtenTable(fold(update.getTable().getFullyQualifiedName()));
        } else if (statement instanceof Delete delete) {
            withItems = nullToEmpty(delete.getWithItemsList());
            delete.setWithItemsList(null);
            f.kind(StatementKind.WRITE, "WITH DELETE");
            f.writtenTable(fold(delete.getTable().getFullyQualifiedName()));
        } else {
            throw new StatementClassifier.Unreadable("unexpected WITH statement " + statement.getClass().getSimpleName());
        }
        collect(statement, f);
        java.util.Set<String> cteNames = new java.util.HashSet<>();
        for (WithItem<?> item : withItems) {
            Object body = item.getParenthesedStatement();
            Table written = null;
            if (body instanceof ParenthesedInsert insert) {
                written = insert.getInsert().getTable();
                collect(insert.getInsert(), f);
            } else if (body instanceof ParenthesedUpdate update) {
                written = update.getUpdate().getTable();
                collect(update.getUpdate(), f);
            } else if (body instanceof ParenthesedDelete delete) {
                written = delete.getDelete().getTable();
                collect(delete.getDelete(), f);
            } else if (body instanceof ParenthesedSelect select) {
                collect(select.getSelect(), f);
            }
            if (written != null) {
                f.writtenTable(fold(written.getFullyQualifiedName()));
            }
            if (item.getAliasName() != null) {
                cteNames.add(fold(item.getAliasName()));
            }
        }
        cteNames.forEach(f::forgetReadTable);   // CTE names are not tables
        if (!f.writtenTables().isEmpty()) {
            f.kind(StatementKind.WRITE, f.command);
        }
        // FOR UPDATE/SHARE anywhere, by tokens: cheaper and complete (sub-queries included)
        lx.reset(sql);
        int t;
        while ((t = lx.next()) != SqlLexer.EOF && t != SqlLexer.ERROR) {
            if (t == SqlLexer.IDENT && Keyword.of(lx) == Keyword.FOR) {
                if (lx.next() == SqlLexer.IDENT) {
                    Keyword k = Keyword.of(lx);
                    if (k == Keyword.UPDATE || k == Keyword.SHARE || k == Keyword.NO || k == Keyword.KEY) {
                        f.locking = true;
                    }
                }
            }
        }
        if (f.locking) {
            f.kind(StatementKind.WRITE, f.command + " FOR UPDATE/SHARE");
        }
    }

    /** Unquotes and folds a name the way PostgreSQL resolves it. */
    static String fold(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (String part : name.split("\\.")) {
            if (out.length() > 0) {
                out.append('.');
            }
            if (part.length() >= 2 && part.startsWith("\"") && part.endsWith("\"")) {
                out.append(part, 1, part.length() - 1);
            } else {
                out.append(part.toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    private static void collect(Statement statement, Facts f) {
        Collector collector = new Collector();
        for (String table : collector.getTables(statement)) {
            f.readTable(fold(table));
        }
        collector.functions.forEach(name -> f.function(fold(name)));
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Table finder that also records every function call. */
    private static final class Collector extends TablesNamesFinder<Void> {
        final java.util.Set<String> functions = new java.util.LinkedHashSet<>();

        @Override
        public <S> Void visit(Function function, S context) {
            functions.add(function.getName());
            return super.visit(function, context);
        }
    }
}
