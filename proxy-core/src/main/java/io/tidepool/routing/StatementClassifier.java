package io.tidepool.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidepool.routing.StatementClassification.Access;
import io.tidepool.routing.StatementClassification.Isolation;
import io.tidepool.routing.StatementClassification.Source;
import io.tidepool.routing.StatementClassification.TransactionModes;

/**
 * Classifies SQL statement texts for routing.
 *
 * <p>Three layers, cheapest first:
 * <ol>
 *   <li>a bounded cache by statement text (Caffeine, W-TinyLFU: one-off texts with literals do
 *       not evict the prepared statements a pool repeats);</li>
 *   <li>a hand-written lexer ({@link SqlLexer}) that reads the statement once, allocating only
 *       the names it reports; it covers every statement kind pgbench, pgJDBC and the common ORMs
 *       send, including SELECTs with joins, sub-queries and function calls;</li>
 *   <li>JSqlParser for statements the lexer leaves alone (WITH queries, where a data-modifying
 *       CTE hides among read-only ones).</li>
 * </ol>
 * A statement neither can read is {@link StatementKind#UNREADABLE}: it goes to the primary and
 * counts as a write.
 *
 * <p>Thread-safe: the cache is concurrent; the lexer is per thread.
 */
public final class StatementClassifier {

    /** Default number of distinct statement texts kept. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /** Texts longer than this are classified but not cached (they are rarely repeated and cost memory). */
    static final int MAX_CACHED_TEXT_LENGTH = 16 * 1024;

    private static final ThreadLocal<SqlLexer> LEXER = ThreadLocal.withInitial(SqlLexer::new);
    /** A second lexer for the multi-statement check, which runs before the main pass. */
    private static final ThreadLocal<SqlLexer> SPLIT_LEXER = ThreadLocal.withInitial(SqlLexer::new);

    private final Cache<String, StatementClassification> cache;

    public StatementClassifier() {
        this(DEFAULT_CACHE_SIZE);
    }

    public StatementClassifier(int maximumCachedStatements) {
        this.cache = Caffeine.newBuilder().maximumSize(maximumCachedStatements).build();
    }

    /** The classification of {@code sql}, from the cache when this text was seen before. */
    public StatementClassification classify(String sql) {
        StatementClassification cached = cache.getIfPresent(sql);
        if (cached != null) {
            return cached;
        }
        StatementClassification fresh = analyze(sql);
        if (sql.length() <= MAX_CACHED_TEXT_LENGTH) {
            cache.put(sql, fresh);
        }
        return fresh;
    }

    /**
     * The classification if it is cached or the lexer alone can produce it; empty when only
     * JSqlParser can (a WITH query seen for the first time). Parsing costs about a millisecond, so
     * an event loop calls this and, when it is empty, runs {@link #classify} on a blocking
     * executor instead of stalling every session of the loop.
     */
    public java.util.Optional<StatementClassification> classifyWithoutParser(String sql) {
        StatementClassification cached = cache.getIfPresent(sql);
        if (cached != null) {
            return java.util.Optional.of(cached);
        }
        if (needsParser(sql)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(classify(sql));
    }

    /** True when the statement's first word sends it to JSqlParser (WITH, also after EXPLAIN). */
    static boolean needsParser(String sql) {
        SqlLexer lx = SPLIT_LEXER.get().reset(sql);
        int t;
        while ((t = lx.next()) == SqlLexer.IDENT || t == SqlLexer.LPAREN) {
            if (t == SqlLexer.LPAREN) {
                continue;
            }
            Keyword k = Keyword.of(lx);
            if (k == Keyword.WITH) {
                return true;
            }
            if (k != Keyword.EXPLAIN && k != Keyword.ANALYZE && k != Keyword.ANALYSE && k != Keyword.VERBOSE) {
                return false;
            }
        }
        return false;
    }

    /** Number of cached texts (approximate; for metrics and tests). */
    public long cachedStatements() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Classifies without the cache. */
    static StatementClassification analyze(String sql) {
        SqlLexer lx = LEXER.get().reset(sql);
        Facts f = new Facts(sql);
        int t = lx.next();
        f.leadingWhitespace = lx.leadingWhitespace();
        f.leadingComment = lx.leadingComment();
        f.noLoadBalanceHint = lx.noLoadBalanceHint();
        if (t == SqlLexer.ERROR) {
            return unreadable(f, "unterminated comment, string or quoted identifier");
        }
        if (t == SqlLexer.EOF || (t == SqlLexer.SEMICOLON && onlySemicolonsFollow(lx))) {
            return f.kind(StatementKind.EMPTY, "").build();
        }
        if (sql.indexOf(';') >= 0 && isMultiStatement(sql)) {
            return multiStatement(f, sql);
        }
        lx.reset(sql).next();
        try {
            classifyFirstWord(lx, f);
            if (lx.sawError() && f.source != Source.PARSER) {
                throw new Unreadable("unterminated comment, string or quoted identifier");
            }
        } catch (Unreadable e) {
            return unreadable(f, e.getMessage());
        } catch (RuntimeException e) {
            // a library surprise (JSqlParser visitors throw on constructs they do not support):
            // the statement is unreadable, never a failed session
            return unreadable(f, "classifier failure: " + e);
        }
        return f.build();
    }

    private static StatementClassification unreadable(Facts f, String why) {
        f.kind(StatementKind.UNREADABLE, f.command);
        f.source = Source.NONE;
        f.detail = why;
        return f.build();
    }

    private static boolean onlySemicolonsFollow(SqlLexer lx) {
        int t;
        while ((t = lx.next()) == SqlLexer.SEMICOLON) {
            // skip
        }
        return t == SqlLexer.EOF;
    }

    /** True if a top-level ';' is followed by another token (trailing ';' alone is one statement). */
    static boolean isMultiStatement(String sql) {
        SqlLexer lx = SPLIT_LEXER.get().reset(sql);
        boolean sawSeparator = false;
        int t;
        while ((t = lx.next()) != SqlLexer.EOF) {
            if (t == SqlLexer.ERROR) {
                return false; // reported as unreadable by the single-statement path
            }
            if (t == SqlLexer.SEMICOLON) {
                sawSeparator = true;
            } else if (sawSeparator) {
                return true;
            }
        }
        return false;
    }

    /** pgpool-II sends a multi-statement string to the primary; we also say whether it writes. */
    private static StatementClassification multiStatement(Facts f, String sql) {
        SqlLexer lx = new SqlLexer().reset(sql);
        int partStart = -1;
        boolean writes = false;
        int t;
        while (true) {
            t = lx.next();
            if (t == SqlLexer.ERROR) {
                return unreadable(f, "unterminated comment, string or quoted identifier");
            }
            if (partStart < 0 && t != SqlLexer.SEMICOLON && t != SqlLexer.EOF) {
                partStart = lx.start();
            }
            if ((t == SqlLexer.SEMICOLON || t == SqlLexer.EOF) && partStart >= 0) {
                int partEnd = t == SqlLexer.EOF ? sql.length() : lx.start();
                StatementClassification part = analyze(sql.substring(partStart, partEnd));
                f.absorb(part);
                f.modes = part.transactionModes() == TransactionModes.NONE ? f.modes : part.transactionModes();
                writes |= part.writes() || (part.kind() != StatementKind.READ && part.kind() != StatementKind.EMPTY
                        && part.kind() != StatementKind.SESSION_STATE && part.kind() != StatementKind.TRANSACTION_BEGIN
                        && part.kind() != StatementKind.TRANSACTION_END);
                partStart = -1;
            }
            if (t == SqlLexer.EOF) {
                break;
            }
        }
        f.kind(StatementKind.MULTI_STATEMENT, "MULTI");
        f.writes = writes;
        return f.build();
    }

    // ---------------------------------------------------------------------------------------
    // Dispatch on the first word

    private static void classifyFirstWord(SqlLexer lx, Facts f) {
        if (lx.type() == SqlLexer.LPAREN) {
            f.kind(StatementKind.READ, "SELECT");
            scanQuery(lx, f, false);
            finishRead(f);
            return;
        }
        if (lx.type() != SqlLexer.IDENT) {
            throw new Unreadable("statement does not start with a keyword");
        }
        switch (Keyword.of(lx)) {
            case SELECT, VALUES, TABLE -> {
                f.kind(StatementKind.READ, Keyword.of(lx).name());
                scanQuery(lx, f, false);
                finishRead(f);
            }
            case WITH -> ParsedStatementAnalyzer.analyzeWith(lx, f);
            case INSERT -> dmlTarget(lx, f, "INSERT", Keyword.INTO);
            case UPDATE -> dmlTarget(lx, f, "UPDATE", null);
            case DELETE -> dmlTarget(lx, f, "DELETE", Keyword.FROM);
            case MERGE -> dmlTarget(lx, f, "MERGE", Keyword.INTO);
            case TRUNCATE -> truncate(lx, f);
            case COPY -> copy(lx, f);
            case EXPLAIN -> explain(lx, f);
            case BEGIN -> begin(lx, f, "BEGIN");
            case START -> {
                lx.next(); // TRANSACTION
                begin(lx, f, "START TRANSACTION");
            }
            case COMMIT, END -> commitOrEnd(lx, f);
            case ROLLBACK, ABORT -> rollback(lx, f);
            case SAVEPOINT -> f.kind(StatementKind.SESSION_STATE, "SAVEPOINT");
            case RELEASE -> f.kind(StatementKind.SESSION_STATE, "RELEASE");
            case SET -> set(lx, f);
            case RESET -> reset(lx, f);
            case SHOW -> f.kind(StatementKind.READ, "SHOW");
            case DISCARD -> discard(lx, f);
            case DEALLOCATE -> deallocate(lx, f);
            case PREPARE -> prepare(lx, f);
            case EXECUTE -> {
                // The body of a SQL-level prepared statement is not known here; run it where it was prepared.
                f.kind(StatementKind.PRIMARY_ONLY, "EXECUTE");
                f.writes = true;
            }
            case LISTEN, UNLISTEN, NOTIFY, DECLARE, FETCH, MOVE, CLOSE ->
                    f.kind(StatementKind.PRIMARY_ONLY, Keyword.of(lx).name());
            case LOCK -> lock(lx, f);
            case CREATE -> create(lx, f);
            case DROP -> drop(lx, f);
            case ALTER, COMMENT, GRANT, REVOKE, VACUUM, ANALYZE, ANALYSE, CLUSTER, REINDEX, REFRESH,
                 SECURITY, IMPORT, CHECKPOINT, CALL, DO, REASSIGN, LOAD ->
                    f.kind(StatementKind.WRITE, Keyword.of(lx).name());
            default -> throw new Unreadable("unknown command " + lx.text().substring(lx.start(), lx.end()));
        }
    }

    /** A read that locks rows or creates a table is not a read. */
    private static void finishRead(Facts f) {
        if (f.locking) {
            f.kind(StatementKind.WRITE, f.command + " FOR UPDATE/SHARE");
        } else if (!f.writtenTables().isEmpty()) {
            f.kind(StatementKind.WRITE, f.command + " INTO");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Query scanning (SELECT / VALUES / TABLE and the query part of DML)

    static final int MAX_DEPTH = 64;
    // What a parenthesis at a given depth encloses.
    private static final byte PAREN_QUERY = 0;       // sub-query, expression grouping: FROM is a clause here
    private static final byte PAREN_ARGS = 1;        // function arguments, type modifiers, column lists
    // FROM-clause state at a given depth.
    private static final byte S_OTHER = 0;
    private static final byte S_EXPECT_TABLE = 1;
    private static final byte S_AFTER_TABLE = 2;
    private static final byte S_FROM_LIST = 3;

    /**
     * Reads a query from the current token to the end of the statement (or, with
     * {@code stopAtUnbalancedParen}, to the ')' closing an enclosing parenthesis), recording
     * tables after FROM/JOIN, function calls, FOR UPDATE/SHARE and SELECT INTO.
     *
     * @param dml the query is the tail of an INSERT/UPDATE/DELETE/MERGE (DML keywords are expected)
     */
    static void scanQuery(SqlLexer lx, Facts f, boolean dml) {
        scan(lx, f, dml, false);
    }

    private static void scan(SqlLexer lx, Facts f, boolean dml, boolean stopAtUnbalancedParen) {
        // Scratch arrays live on the (per-thread) lexer: no allocation per statement.
        byte[] parenKind = lx.parenKind;
        byte[] state = lx.clauseState;
        parenKind[0] = PAREN_QUERY;
        state[0] = S_OTHER;
        int depth = 0;
        Keyword prev = Keyword.NONE;      // previous token's keyword (NONE for non-keywords)
        Keyword prev2 = Keyword.NONE;
        boolean prevWasCast = false;      // '::' was the previous token: a type name follows
        int t = lx.type();
        while (true) {
            switch (t) {
                case SqlLexer.EOF:
                    return;
                case SqlLexer.ERROR:
                    throw new Unreadable("unterminated comment, string or quoted identifier");
                case SqlLexer.SEMICOLON:
                    if (depth == 0) {
                        return;
                    }
                    throw new Unreadable("';' inside parentheses");
                case SqlLexer.LPAREN: {
                    if (depth + 1 >= MAX_DEPTH) {
                        throw new Unreadable("parentheses nested deeper than " + MAX_DEPTH);
                    }
                    boolean inFrom = state[depth] == S_EXPECT_TABLE;
                    if (inFrom) {
                        state[depth] = S_AFTER_TABLE;
                    }
                    depth++;
                    parenKind[depth] = PAREN_QUERY;
                    // FROM (a JOIN b ...) names tables; FROM (SELECT ...) resets at SELECT
                    state[depth] = inFrom ? S_EXPECT_TABLE : S_OTHER;
                    break;
                }
                case SqlLexer.RPAREN:
                    if (depth == 0) {
                        if (stopAtUnbalancedParen) {
                            return;
                        }
                        throw new Unreadable("unbalanced ')'");
                    }
                    depth--;
                    break;
                case SqlLexer.COMMA:
                    if (state[depth] == S_AFTER_TABLE || state[depth] == S_FROM_LIST) {
                        state[depth] = S_EXPECT_TABLE;
                    }
                    break;
                case SqlLexer.CAST:
                    prevWasCast = true;
                    prev2 = prev;
                    prev = Keyword.NONE;
                    t = lx.next();
                    continue;
                case SqlLexer.IDENT:
                case SqlLexer.QUOTED_IDENT: {
                    Keyword kw = t == SqlLexer.IDENT ? Keyword.of(lx) : Keyword.NONE;
                    if (prevWasCast) {
                        // a type name after '::'; a following '(' is a type modifier
                        prevWasCast = false;
                        t = lx.next();
                        if (t == SqlLexer.LPAREN) {
                            depth = pushArgs(depth, parenKind, state);
                            t = lx.next();
                        }
                        prev2 = prev;
                        prev = Keyword.NONE;
                        continue;
                    }
                    if (kw != Keyword.NONE && kw.reserved) {
                        handleKeyword(kw, prev, prev2, depth, parenKind, state);
                        if (kw == Keyword.FOR) {
                            t = lx.next();
                            if (t == SqlLexer.IDENT) {
                                Keyword after = Keyword.of(lx);
                                if (after == Keyword.UPDATE || after == Keyword.SHARE || after == Keyword.NO
                                        || after == Keyword.KEY) {
                                    f.locking = true;
                                }
                            }
                            prev2 = kw;
                            prev = Keyword.NONE;
                            continue;
                        }
                        if (kw == Keyword.INTO && depth == 0 && !dml) {
                            selectInto(lx, f);
                            t = lx.type();
                            prev2 = prev;
                            prev = Keyword.NONE;
                            continue;
                        }
                        prev2 = prev;
                        prev = kw;
                        t = lx.next();
                        if (t == SqlLexer.LPAREN && state[depth] != S_EXPECT_TABLE) {
                            // keyword followed by '(' : IN (...), EXISTS (...), VALUES (...), OVER (...),
                            // CAST(x AS t), ARRAY(...), numeric(10,2): never a user function call
                            // a SELECT inside (EXISTS (SELECT ...)) turns the parenthesis into a query
                            depth = pushArgs(depth, parenKind, state);
                            t = lx.next();
                        }
                        continue;
                    }
                    // An identifier or unreserved word: a table, alias, column or function name.
                    String name = readQualifiedName(lx);   // leaves lx on the token after the name
                    t = lx.type();
                    byte s = state[depth];
                    if (s == S_EXPECT_TABLE) {
                        if (t == SqlLexer.LPAREN) {
                            f.function(name);                     // FROM generate_series(...)
                            state[depth] = S_AFTER_TABLE;
                            depth = pushArgs(depth, parenKind, state);
                            t = lx.next();
                        } else {
                            f.readTable(name);
                            state[depth] = S_AFTER_TABLE;
                        }
                    } else if (s == S_AFTER_TABLE) {
                        state[depth] = S_FROM_LIST;               // an alias; alias(a, b) is a column list
                        if (t == SqlLexer.LPAREN) {
                            depth = pushArgs(depth, parenKind, state);
                            t = lx.next();
                        }
                    } else if (t == SqlLexer.LPAREN) {
                        // AS t(a, b) is a column list; TABLESAMPLE method(args) names a sampling method
                        if (prev != Keyword.AS && prev != Keyword.TABLESAMPLE) {
                            f.function(name);
                        }
                        depth = pushArgs(depth, parenKind, state);
                        t = lx.next();
                    }
                    prev2 = prev;
                    prev = Keyword.NONE;
                    continue;
                }
                default:
                    break;
            }
            if (t != SqlLexer.IDENT) {
                prev2 = prev;
                prev = Keyword.NONE;
                prevWasCast = false;
            }
            t = lx.next();
        }
    }

    private static int pushArgs(int depth, byte[] parenKind, byte[] state) {
        if (depth + 1 >= MAX_DEPTH) {
            throw new Unreadable("parentheses nested deeper than " + MAX_DEPTH);
        }
        depth++;
        parenKind[depth] = PAREN_ARGS;
        state[depth] = S_OTHER;
        return depth;
    }

    private static void handleKeyword(Keyword kw, Keyword prev, Keyword prev2, int depth, byte[] parenKind,
                                      byte[] state) {
        switch (kw) {
            case SELECT -> {
                parenKind[depth] = PAREN_QUERY;   // (SELECT ...) inside function arguments
                state[depth] = S_OTHER;
            }
            case FROM -> {
                boolean isDistinctFrom = prev == Keyword.DISTINCT && (prev2 == Keyword.IS || prev2 == Keyword.NOT);
                if (parenKind[depth] == PAREN_QUERY && !isDistinctFrom) {
                    state[depth] = S_EXPECT_TABLE;
                }
            }
            case JOIN, TABLE -> state[depth] = S_EXPECT_TABLE;
            case ONLY, LATERAL -> {
                // FROM ONLY t, FROM LATERAL (...): keep expecting the table
            }
            case INNER, LEFT, RIGHT, FULL, OUTER, CROSS, NATURAL -> {
                if (state[depth] == S_AFTER_TABLE) {
                    state[depth] = S_FROM_LIST;
                }
            }
            case AS -> {
                // FROM t AS alias: the alias follows
            }
            case WITH -> {
                // a WITH below the top level cannot modify data (PostgreSQL allows data-modifying
                // CTEs only at the top); its CTE names are scanned like tables, which is harmless
                state[depth] = S_OTHER;
            }
            default -> state[depth] = S_OTHER;
        }
    }

    /** SELECT ... INTO [TEMP|TEMPORARY|UNLOGGED] [TABLE] name: creates a table, so it is a write. */
    private static void selectInto(SqlLexer lx, Facts f) {
        boolean temp = false;
        int t = lx.next();
        while (t == SqlLexer.IDENT) {
            Keyword k = Keyword.of(lx);
            if (k == Keyword.TEMP || k == Keyword.TEMPORARY) {
                temp = true;
            } else if (k != Keyword.UNLOGGED && k != Keyword.TABLE && k != Keyword.GLOBAL && k != Keyword.LOCAL) {
                break;
            }
            t = lx.next();
        }
        if (!lx.isIdentifier()) {
            throw new Unreadable("SELECT INTO without a table name");
        }
        String name = readQualifiedName(lx);
        f.writtenTable(name);
        f.writes = true;
        if (temp) {
            f.createdTemp(name);
        }
    }

    /** Reads {@code a}, {@code a.b} or {@code a.b.c}; the lexer is left on the token after the name. */
    static String readQualifiedName(SqlLexer lx) {
        String name = lx.identifier();
        int t = lx.next();
        while (t == SqlLexer.DOT) {
            t = lx.next();
            if (t == SqlLexer.IDENT || t == SqlLexer.QUOTED_IDENT) {
                name = name + '.' + lx.identifier();
                t = lx.next();
            } else {
                break; // t.* : the '*' is an operator token, leave it
            }
        }
        return name;
    }

    // ---------------------------------------------------------------------------------------
    // DML and utility statements

    /** INSERT INTO t / UPDATE [ONLY] t / DELETE FROM [ONLY] t / MERGE INTO [ONLY] t, then the rest. */
    private static void dmlTarget(SqlLexer lx, Facts f, String command, Keyword expected) {
        f.kind(StatementKind.WRITE, command);
        lx.next();
        if (expected != null) {
            if (!(lx.type() == SqlLexer.IDENT && Keyword.of(lx) == expected)) {
                throw new Unreadable(command + " without " + expected);
            }
            lx.next();
        }
        if (lx.type() == SqlLexer.IDENT && Keyword.of(lx) == Keyword.ONLY) {
            lx.next();
        }
        if (!lx.isIdentifier()) {
            throw new Unreadable(command + " without a table name");
        }
        f.writtenTable(readQualifiedName(lx));
        scan(lx, f, true, false);
    }

    private static void truncate(SqlLexer lx, Facts f) {
        f.kind(StatementKind.WRITE, "TRUNCATE");
        int t = lx.next();
        while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
            if (t == SqlLexer.IDENT && Keyword.of(lx) != Keyword.NONE) {
                Keyword k = Keyword.of(lx);
                if (k == Keyword.RESTART || k == Keyword.CONTINUE || k == Keyword.CASCADE || k == Keyword.RESTRICT) {
                    break;
                }
                t = lx.next(); // TABLE, ONLY
                continue;
            }
            if (lx.isIdentifier()) {
                f.writtenTable(readQualifiedName(lx));
                t = lx.type();
                continue;
            }
            t = lx.next();
        }
    }

    /** COPY t FROM ... writes; COPY t/(query) TO STDOUT reads; COPY ... TO 'file'/PROGRAM stays on the primary. */
    private static void copy(SqlLexer lx, Facts f) {
        int t = lx.next();
        String table = null;
        if (t == SqlLexer.LPAREN) {
            lx.next();
            scan(lx, f, false, true); // stops on the closing ')'
            lx.next();
        } else if (lx.isIdentifier()) {
            table = readQualifiedName(lx);
            if (lx.type() == SqlLexer.LPAREN) {       // column list
                while ((t = lx.next()) != SqlLexer.RPAREN) {
                    if (t == SqlLexer.EOF || t == SqlLexer.ERROR) {
                        throw new Unreadable("unterminated COPY column list");
                    }
                }
                lx.next();
            }
        } else {
            throw new Unreadable("COPY without a table or query");
        }
        if (lx.type() != SqlLexer.IDENT) {
            throw new Unreadable("COPY without FROM or TO");
        }
        Keyword direction = Keyword.of(lx);
        if (direction == Keyword.FROM) {
            f.kind(StatementKind.WRITE, "COPY FROM");
            if (table != null) {
                f.writtenTable(table);
            }
            return;
        }
        if (direction != Keyword.TO) {
            throw new Unreadable("COPY without FROM or TO");
        }
        if (table != null) {
            f.readTable(table);
        }
        lx.next();
        if (lx.is("STDOUT")) {
            f.kind(StatementKind.READ, "COPY TO");
            finishRead(f);
        } else {
            f.kind(StatementKind.PRIMARY_ONLY, "COPY TO FILE");
        }
    }

    /**
     * EXPLAIN without ANALYZE plans but does not run the statement, so it can run anywhere the
     * tables exist; EXPLAIN ANALYZE runs it and is routed as the statement itself.
     */
    private static void explain(SqlLexer lx, Facts f) {
        boolean analyze = false;
        int t = lx.next();
        if (t == SqlLexer.LPAREN) {
            boolean expectOptionName = true;
            Keyword lastOption = Keyword.NONE;
            while ((t = lx.next()) != SqlLexer.RPAREN) {
                if (t == SqlLexer.EOF || t == SqlLexer.ERROR) {
                    throw new Unreadable("unterminated EXPLAIN options");
                }
                if (t == SqlLexer.COMMA) {
                    expectOptionName = true;
                    continue;
                }
                if (expectOptionName) {
                    lastOption = t == SqlLexer.IDENT ? Keyword.of(lx) : Keyword.NONE;
                    if (lastOption == Keyword.ANALYZE || lastOption == Keyword.ANALYSE) {
                        analyze = true;
                    }
                    expectOptionName = false;
                } else if (lastOption == Keyword.ANALYZE || lastOption == Keyword.ANALYSE) {
                    String v = lx.text().substring(lx.start(), lx.end()).toLowerCase(java.util.Locale.ROOT);
                    analyze = !(v.equals("false") || v.equals("off") || v.equals("0") || v.equals("'false'")
                            || v.equals("'off'"));
                }
            }
            lx.next();
        } else {
            while (lx.type() == SqlLexer.IDENT) {
                Keyword k = Keyword.of(lx);
                if (k == Keyword.ANALYZE || k == Keyword.ANALYSE) {
                    analyze = true;
                } else if (k != Keyword.VERBOSE) {
                    break;
                }
                lx.next();
            }
        }
        if (lx.type() == SqlLexer.EOF) {
            throw new Unreadable("EXPLAIN without a statement");
        }
        StatementClassification inner = analyze(lx.text().substring(lx.start()));
        if (inner.kind() == StatementKind.UNREADABLE) {
            throw new Unreadable("EXPLAIN of an unreadable statement: " + inner.detail());
        }
        f.absorb(inner);
        f.source = inner.source();
        if (analyze) {
            f.kind(inner.kind(), "EXPLAIN ANALYZE");
            f.writes = inner.writes();
            f.modes = inner.transactionModes();
        } else {
            f.kind(StatementKind.READ, "EXPLAIN");
            f.clearFunctions();      // planned, not run
            f.locking = false;
            f.writes = false;
        }
    }

    private static void begin(SqlLexer lx, Facts f, String command) {
        f.kind(StatementKind.TRANSACTION_BEGIN, command);
        lx.next();
        if (lx.type() == SqlLexer.IDENT && (Keyword.of(lx) == Keyword.WORK || Keyword.of(lx) == Keyword.TRANSACTION)) {
            lx.next();
        }
        f.modes = transactionModes(lx, false);
    }

    /** ISOLATION LEVEL ..., READ ONLY|WRITE, [NOT] DEFERRABLE, separated by commas or blanks. */
    private static TransactionModes transactionModes(SqlLexer lx, boolean sessionDefault) {
        Isolation isolation = Isolation.UNSPECIFIED;
        Access access = Access.UNSPECIFIED;
        int t = lx.type();
        while (t == SqlLexer.IDENT || t == SqlLexer.COMMA) {
            if (t == SqlLexer.COMMA) {
                t = lx.next();
                continue;
            }
            Keyword k = Keyword.of(lx);
            if (k == Keyword.ISOLATION) {
                lx.next(); // LEVEL
                lx.next();
                isolation = isolationLevel(lx);
            } else if (k == Keyword.READ) {
                lx.next();
                if (lx.is("ONLY")) {
                    access = Access.READ_ONLY;
                } else if (lx.is("WRITE")) {
                    access = Access.READ_WRITE;
                }
            }
            t = lx.next();
        }
        return new TransactionModes(isolation, access, sessionDefault);
    }

    /** Reads SERIALIZABLE / REPEATABLE READ / READ COMMITTED / READ UNCOMMITTED at the current token. */
    private static Isolation isolationLevel(SqlLexer lx) {
        if (lx.is("SERIALIZABLE")) {
            return Isolation.SERIALIZABLE;
        }
        if (lx.is("REPEATABLE")) {
            lx.next();
            return Isolation.REPEATABLE_READ;
        }
        if (lx.is("READ")) {
            lx.next();
            return lx.is("UNCOMMITTED") ? Isolation.READ_UNCOMMITTED : Isolation.READ_COMMITTED;
        }
        return Isolation.UNSPECIFIED;
    }

    /** An isolation level given as a value: 'serializable', "repeatable read", serializable. */
    private static Isolation isolationValue(String raw) {
        String v = raw.replace("'", "").replace("\"", "").trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "serializable": return Isolation.SERIALIZABLE;
            case "repeatable read": return Isolation.REPEATABLE_READ;
            case "read committed": return Isolation.READ_COMMITTED;
            case "read uncommitted": return Isolation.READ_UNCOMMITTED;
            default: return Isolation.UNSPECIFIED;
        }
    }

    private static void commitOrEnd(SqlLexer lx, Facts f) {
        String command = Keyword.of(lx) == Keyword.END ? "END" : "COMMIT";
        lx.next();
        if (lx.is("PREPARED")) {
            f.kind(StatementKind.WRITE, "COMMIT PREPARED");
            return;
        }
        f.kind(StatementKind.TRANSACTION_END, command);
    }

    private static void rollback(SqlLexer lx, Facts f) {
        String command = Keyword.of(lx) == Keyword.ABORT ? "ABORT" : "ROLLBACK";
        lx.next();
        if (lx.is("PREPARED")) {
            f.kind(StatementKind.WRITE, "ROLLBACK PREPARED");
            return;
        }
        if (lx.is("WORK") || lx.is("TRANSACTION")) {
            lx.next();
        }
        if (lx.is("TO")) {
            f.kind(StatementKind.SESSION_STATE, "ROLLBACK TO SAVEPOINT");
            return;
        }
        f.kind(StatementKind.TRANSACTION_END, command);
    }

    /**
     * SET goes to every node; SET TRANSACTION and the session defaults for isolation and access
     * mode are also remembered by the router (SERIALIZABLE and READ WRITE keep reads on the primary).
     */
    private static void set(SqlLexer lx, Facts f) {
        f.kind(StatementKind.SESSION_STATE, "SET");
        lx.next();
        boolean local = false;
        if (lx.is("SESSION")) {
            lx.next();
            if (lx.is("CHARACTERISTICS")) {       // SET SESSION CHARACTERISTICS AS TRANSACTION ...
                lx.next();                         // AS
                lx.next();                         // TRANSACTION
                lx.next();
                f.modes = transactionModes(lx, true);
                return;
            }
            if (lx.is("AUTHORIZATION")) {
                return;
            }
        } else if (lx.is("LOCAL")) {
            local = true;
            lx.next();
        }
        if (lx.is("TRANSACTION")) {
            lx.next();
            if (lx.is("SNAPSHOT")) {
                return;
            }
            f.modes = transactionModes(lx, false);
            return;
        }
        if (!lx.isIdentifier()) {
            return;
        }
        String name = lx.identifier();
        boolean defaultIsolation = name.equals("default_transaction_isolation");
        boolean isolation = name.equals("transaction_isolation");
        boolean defaultReadOnly = name.equals("default_transaction_read_only");
        boolean readOnly = name.equals("transaction_read_only");
        if (!(defaultIsolation || isolation || defaultReadOnly || readOnly)) {
            return;
        }
        lx.next();                                  // TO or =
        if (!(lx.is("TO") || (lx.type() == SqlLexer.OPERATOR && lx.text().charAt(lx.start()) == '='))) {
            return;
        }
        int valueStart = -1;
        int valueEnd = -1;
        int t;
        while ((t = lx.next()) != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
            if (valueStart < 0) {
                valueStart = lx.start();
            }
            valueEnd = lx.end();
        }
        if (valueStart < 0) {
            return;
        }
        String value = lx.text().substring(valueStart, valueEnd);
        boolean sessionDefault = (defaultIsolation || defaultReadOnly) && !local;
        if (defaultIsolation || isolation) {
            String v = value.equalsIgnoreCase("default") ? "read committed" : value;
            f.modes = new TransactionModes(isolationValue(v), Access.UNSPECIFIED, sessionDefault);
        } else {
            String v = value.replace("'", "").trim().toLowerCase(java.util.Locale.ROOT);
            boolean on = v.equals("on") || v.equals("true") || v.equals("1") || v.equals("yes");
            f.modes = new TransactionModes(Isolation.UNSPECIFIED, on ? Access.READ_ONLY : Access.READ_WRITE,
                    sessionDefault);
        }
    }

    private static void reset(SqlLexer lx, Facts f) {
        f.kind(StatementKind.SESSION_STATE, "RESET");
        lx.next();
        if (lx.is("ALL") || (lx.isIdentifier() && lx.identifier().equals("default_transaction_isolation"))) {
            f.modes = new TransactionModes(Isolation.READ_COMMITTED, Access.UNSPECIFIED, true);
        }
    }

    private static void discard(SqlLexer lx, Facts f) {
        f.kind(StatementKind.SESSION_STATE, "DISCARD");
        lx.next();
        if (lx.is("ALL") || lx.is("TEMP") || lx.is("TEMPORARY")) {
            f.discardsTempTables = true;
            f.command = "DISCARD " + lx.text().substring(lx.start(), lx.end()).toUpperCase(java.util.Locale.ROOT);
        }
    }

    /** DEALLOCATE ALL reaches every node; a named SQL prepared statement lives on the primary (see EXECUTE). */
    private static void deallocate(SqlLexer lx, Facts f) {
        lx.next();
        if (lx.is("PREPARE")) {
            lx.next();
        }
        if (lx.is("ALL")) {
            f.kind(StatementKind.SESSION_STATE, "DEALLOCATE ALL");
        } else {
            f.kind(StatementKind.PRIMARY_ONLY, "DEALLOCATE");
        }
    }

    private static void prepare(SqlLexer lx, Facts f) {
        lx.next();
        if (lx.is("TRANSACTION")) {
            f.kind(StatementKind.WRITE, "PREPARE TRANSACTION");
            return;
        }
        f.kind(StatementKind.PRIMARY_ONLY, "PREPARE");
    }

    private static void lock(SqlLexer lx, Facts f) {
        f.kind(StatementKind.WRITE, "LOCK");
        f.locking = true;
        int t = lx.next();
        while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
            if (t == SqlLexer.IDENT) {
                Keyword k = Keyword.of(lx);
                if (k == Keyword.IN || k == Keyword.NOWAIT) {
                    break;
                }
                if (k == Keyword.TABLE || k == Keyword.ONLY) {
                    t = lx.next();
                    continue;
                }
            }
            if (lx.isIdentifier()) {
                f.readTable(readQualifiedName(lx));
                t = lx.type();
                continue;
            }
            t = lx.next();
        }
    }

    /** CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE|VIEW|SEQUENCE [IF NOT EXISTS] name. */
    private static void create(SqlLexer lx, Facts f) {
        f.kind(StatementKind.WRITE, "CREATE");
        boolean temp = false;
        lx.next();
        while (lx.type() == SqlLexer.IDENT) {
            Keyword k = Keyword.of(lx);
            if (k == Keyword.TEMP || k == Keyword.TEMPORARY) {
                temp = true;
            } else if (!(k == Keyword.OR || lx.is("REPLACE") || k == Keyword.GLOBAL || k == Keyword.LOCAL
                    || k == Keyword.UNLOGGED || lx.is("RECURSIVE"))) {
                break;
            }
            lx.next();
        }
        if (!(lx.is("TABLE") || lx.is("VIEW") || lx.is("SEQUENCE"))) {
            return;
        }
        f.command = "CREATE " + lx.text().substring(lx.start(), lx.end()).toUpperCase(java.util.Locale.ROOT);
        lx.next();
        if (lx.is("IF")) {
            lx.next(); // NOT
            lx.next(); // EXISTS
            lx.next();
        }
        if (!lx.isIdentifier()) {
            return;
        }
        String name = readQualifiedName(lx);
        f.writtenTable(name);
        if (temp) {
            f.createdTemp(name);
        }
    }

    /** DROP TABLE|VIEW|SEQUENCE [IF EXISTS] a, b [CASCADE]: the names leave the temp-table trace. */
    private static void drop(SqlLexer lx, Facts f) {
        f.kind(StatementKind.WRITE, "DROP");
        lx.next();
        if (!(lx.is("TABLE") || lx.is("VIEW") || lx.is("SEQUENCE"))) {
            return;
        }
        f.command = "DROP " + lx.text().substring(lx.start(), lx.end()).toUpperCase(java.util.Locale.ROOT);
        int t = lx.next();
        if (lx.is("IF")) {
            lx.next();
            t = lx.next();
        }
        while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
            if (lx.isIdentifier() && !(lx.is("CASCADE") || lx.is("RESTRICT"))) {
                String name = readQualifiedName(lx);
                f.dropped(name);
                f.writtenTable(name);
                t = lx.type();
                continue;
            }
            t = lx.next();
        }
    }

    /** Thrown inside the classifier when a statement cannot be read; never escapes {@link #analyze}. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }
}
