package io.tidepool.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidepool.routing.StatementClassification.Source;
import io.tidepool.routing.StatementClassification.TransactionModes;

import java.util.Set;

/**
 * Classifies SQL statement texts for routing.
 *
 * <p>Three layers, cheapest first:
 * <ol>
 *   <li>two bounded caches (Caffeine, W-TinyLFU): one by statement text, holding the texts likely
 *       to come again (parameterised and constant-free ones, and whatever JSqlParser had to read),
 *       and one by {@link StatementShape}, the text with its numbers masked, for queries and DML
 *       that carry numbers: {@code SELECT abalance FROM pgbench_accounts WHERE aid = 4711} is
 *       classified once for every aid. A text with other constants (strings) is cheaper to lex
 *       again than to cache, see {@link #worthCaching};</li>
 *   <li>a hand-written lexer ({@link SqlLexer}) that reads the statement once, allocating only
 *       the names it reports ({@link CommandReader} by first word, {@link QueryScanner} for
 *       queries); it covers every statement kind pgbench, pgJDBC and the common ORMs send,
 *       including SELECTs with joins, sub-queries and function calls;</li>
 *   <li>JSqlParser for statements the lexer leaves alone (WITH queries, where a data-modifying
 *       CTE hides among read-only ones).</li>
 * </ol>
 * A statement neither can read is {@link StatementKind#UNREADABLE}: it goes to the primary and
 * counts as a write.
 *
 * <p>Thread-safe: the caches are concurrent; the lexer is per thread.
 */
public final class StatementClassifier {

    /** Default number of distinct statement texts kept, and of shapes. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /** Texts longer than this are classified but not cached (they are rarely repeated and cost memory). */
    static final int MAX_CACHED_TEXT_LENGTH = 16 * 1024;

    /**
     * Commands whose classification never depends on a number's value, so that it holds for every
     * text of the statement's shape. Not SET ({@code SET transaction_read_only = 1}) nor EXPLAIN
     * ({@code EXPLAIN (ANALYZE 0)}), whose readers look at values.
     */
    private static final Set<String> SHAPED_COMMANDS = Set.of("SELECT", "VALUES", "TABLE", "INSERT", "UPDATE",
            "DELETE", "MERGE");

    private static final ThreadLocal<SqlLexer> LEXER = ThreadLocal.withInitial(SqlLexer::new);
    /** A second lexer for the multi-statement check, which runs before the main pass. */
    private static final ThreadLocal<SqlLexer> SPLIT_LEXER = ThreadLocal.withInitial(SqlLexer::new);

    private final Cache<String, StatementClassification> byText;
    private final Cache<StatementShape, StatementClassification> byShape;

    public StatementClassifier() {
        this(DEFAULT_CACHE_SIZE);
    }

    /** @param maximumCachedStatements how many texts, and how many shapes, are kept */
    public StatementClassifier(int maximumCachedStatements) {
        // Maintenance (eviction, buffer draining) runs on the calling event loop, amortised over
        // the calls: with Caffeine's default executor every write woke a ForkJoinPool thread, about
        // three futex calls and context switches per statement when texts carry literals
        // (pgbench -S in the simple protocol: 44 us of proxy CPU per transaction instead of 30).
        this.byText = Caffeine.newBuilder().maximumSize(maximumCachedStatements).executor(Runnable::run).build();
        this.byShape = Caffeine.newBuilder().maximumSize(maximumCachedStatements).executor(Runnable::run).build();
    }

    /** The classification of {@code sql}, from a cache when this text or its shape was seen before. */
    public StatementClassification classify(String sql) {
        java.util.Optional<StatementClassification> withoutParser = classifyWithoutParser(sql);
        return withoutParser.isPresent() ? withoutParser.get() : classifyAfresh(sql, shapeOf(sql));
    }

    /**
     * The classification if it is cached or the lexer alone can produce it; empty when only
     * JSqlParser can (a WITH query seen for the first time). Parsing costs about a millisecond, so
     * an event loop calls this and, when it is empty, runs {@link #classify} on a blocking
     * executor instead of stalling every session of the loop.
     */
    public java.util.Optional<StatementClassification> classifyWithoutParser(String sql) {
        StatementClassification cached = byText.getIfPresent(sql);
        if (cached != null) {
            return java.util.Optional.of(cached);
        }
        StatementShape shape = shapeOf(sql);
        cached = cachedByShape(shape, sql);
        if (cached != null) {
            return java.util.Optional.of(cached);
        }
        if (needsParser(sql)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(classifyAfresh(sql, shape));
    }

    /** The shape of a text short enough to be cached; null for others (see {@link StatementShape#of}). */
    private static StatementShape shapeOf(String sql) {
        return sql.length() <= MAX_CACHED_TEXT_LENGTH ? StatementShape.of(sql) : null;
    }

    /** The classification cached for {@code shape}, given {@code sql}'s text; null when none is. */
    private StatementClassification cachedByShape(StatementShape shape, String sql) {
        if (shape == null) {
            return null;
        }
        StatementClassification cached = byShape.getIfPresent(shape);
        return cached == null ? null : cached.withText(sql);
    }

    /** Classifies a text no cache holds, and caches the answer (by shape or by text) when that pays. */
    private StatementClassification classifyAfresh(String sql, StatementShape shape) {
        StatementClassification fresh = analyze(sql);
        if (shape != null && sharedByShape(fresh)) {
            byShape.put(shape, fresh);
        } else if (worthCaching(sql, fresh)) {
            byText.put(sql, fresh);
        }
        return fresh;
    }

    /** Whether {@code c} holds for every text of its statement's shape (see {@link #SHAPED_COMMANDS}). */
    static boolean sharedByShape(StatementClassification c) {
        if (c.source() != Source.FAST_PATH || (c.kind() != StatementKind.READ && c.kind() != StatementKind.WRITE)) {
            return false;
        }
        String command = c.command();
        int space = command.indexOf(' ');
        return SHAPED_COMMANDS.contains(space < 0 ? command : command.substring(0, space));
    }

    /**
     * Whether a fresh classification goes into the cache by text. A text the lexer classified and
     * that carried constants ({@code SET search_path = 'app'}) is left out: such texts rarely come
     * again, and caching each one costs a cache write and an eviction (measured: a quarter of the
     * proxy's own CPU per statement for pgbench -S in the simple protocol, before shapes took
     * those), while a repeat costs one lexer pass. Parameterised texts, constant-free ones and
     * everything JSqlParser read are kept.
     */
    private static boolean worthCaching(String sql, StatementClassification fresh) {
        if (sql.length() > MAX_CACHED_TEXT_LENGTH) {
            return false;
        }
        return fresh.source() == Source.PARSER || !LEXER.get().sawLiteral();
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

    /** Number of cached texts and shapes (approximate; for metrics and tests). */
    public long cachedStatements() {
        byText.cleanUp();
        byShape.cleanUp();
        return byText.estimatedSize() + byShape.estimatedSize();
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
        int semicolon = sql.indexOf(';');
        if (semicolon >= 0 && !onlyTrailingSemicolon(sql, semicolon) && isMultiStatement(sql)) {
            return multiStatement(f, sql);
        }
        if (t == SqlLexer.SEMICOLON) {
            lx.reset(sql).next(); // onlySemicolonsFollow read past the first token
        }
        try {
            CommandReader.classifyFirstWord(lx, f);
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

    /**
     * True when the text's only ';' (at {@code first}) is followed by nothing but whitespace as
     * the lexer reads it ({@link SqlLexer#isWhitespace}): then no token can follow a separator,
     * and the text is one statement without lexing it again (pgbench and most drivers end their
     * statements so).
     */
    static boolean onlyTrailingSemicolon(String sql, int first) {
        for (int i = first + 1; i < sql.length(); i++) {
            if (!SqlLexer.isWhitespace(sql.charAt(i))) {
                return false;
            }
        }
        return true;
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

    /** Thrown inside the classifier when a statement cannot be read; never escapes {@link #analyze}. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }
}
