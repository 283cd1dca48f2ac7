package io.tidepool.routing;

import java.util.Locale;

/**
 * The SQL words the classifier acts on. {@link #of(SqlLexer)} finds the keyword of the current
 * token without allocating (an open-addressing table hashed case-insensitively over the text).
 *
 * <p>{@code reserved} marks words the query scanner treats as syntax: PostgreSQL's reserved words,
 * the join words, and the column-name keywords that look like function calls ({@code CAST(...)},
 * {@code EXTRACT(...)}, {@code COALESCE(...)}). Unreserved words (most command names) may be
 * table, column or function names and are scanned as identifiers.
 */
enum Keyword {
    NONE(false),
    // structural words of queries
    SELECT(true), VALUES(true), TABLE(true), WITH(true), INTO(true), FROM(true), TO(true), ONLY(true),
    JOIN(true), LATERAL(true), INNER(true), LEFT(true), RIGHT(true), FULL(true), OUTER(true), CROSS(true),
    NATURAL(true), AS(true), DISTINCT(true), IS(true), NOT(true), FOR(true), OR(true), IN(true), WHERE(true),
    GROUP(true), ORDER(true), LIMIT(true), OFFSET(true), HAVING(true), WINDOW(true), UNION(true),
    INTERSECT(true), EXCEPT(true), ON(true), USING(true), RETURNING(true), AND(true), CASE(true), WHEN(true),
    THEN(true), ELSE(true), END(true), EXISTS(true), ANY(true), ALL(true), SOME(true), ARRAY(true), ROW(true),
    CAST(true), COALESCE(true), NULLIF(true), GREATEST(true), LEAST(true), EXTRACT(true), POSITION(true),
    SUBSTRING(true), TRIM(true), OVERLAY(true), BETWEEN(true), LIKE(true), ILIKE(true), SIMILAR(true),
    ASC(true), DESC(true), DEFAULT(true), INTERVAL(true), NUMERIC(true), DECIMAL(true), DEC(true),
    VARCHAR(true), CHAR(true), CHARACTER(true), VARYING(true), BIT(true), TIMESTAMP(true), TIME(true),
    FLOAT(true), TABLESAMPLE(true), GROUPING(true), NULL(true), TRUE(true), FALSE(true), LEADING(true),
    TRAILING(true), BOTH(true), COLLATE(true), SYMMETRIC(true), ISNULL(true), NOTNULL(true), FETCH(true),
    DO(true), CREATE(true), GRANT(true), ANALYZE(true), ANALYSE(true), VERBOSE(true), OVERLAPS(true),
    VARIADIC(true), BY(true), OVER(true), FILTER(true), WITHIN(true), ROWS(true), ORDINALITY(true),
    SETS(true), CUBE(true), ROLLUP(true), PRECISION(true), NORMALIZE(true), TREAT(true),
    // words that start or shape commands; unreserved, so also usable as names
    INSERT(false), UPDATE(false), DELETE(false), MERGE(false), TRUNCATE(false), COPY(false), EXPLAIN(false),
    BEGIN(false), START(false), COMMIT(false), ROLLBACK(false), ABORT(false), SAVEPOINT(false),
    RELEASE(false), SET(false), RESET(false), SHOW(false), DISCARD(false), DEALLOCATE(false), PREPARE(false),
    EXECUTE(false), LISTEN(false), UNLISTEN(false), NOTIFY(false), DECLARE(false), MOVE(false), CLOSE(false),
    LOCK(false), DROP(false), ALTER(false), COMMENT(false), REVOKE(false), VACUUM(false), CLUSTER(false),
    REINDEX(false), REFRESH(false), SECURITY(false), IMPORT(false), CHECKPOINT(false), CALL(false),
    REASSIGN(false), LOAD(false), RESTART(false), CONTINUE(false), CASCADE(false), RESTRICT(false),
    WORK(false), TRANSACTION(false), ISOLATION(false), READ(false), TEMP(false), TEMPORARY(false),
    UNLOGGED(false), GLOBAL(false), LOCAL(false), NOWAIT(false), SHARE(false), NO(false), KEY(false);

    final boolean reserved;

    Keyword(boolean reserved) {
        this.reserved = reserved;
    }

    private static final int TABLE_SIZE = 1024; // power of two, well above 2x the keyword count
    private static final Keyword[] BY_HASH = new Keyword[TABLE_SIZE];
    private static final String[] SPELLING = new String[TABLE_SIZE];

    static {
        for (Keyword k : values()) {
            if (k == NONE) {
                continue;
            }
            String word = k.name().toLowerCase(Locale.ROOT);
            int slot = hash(word, 0, word.length()) & (TABLE_SIZE - 1);
            while (BY_HASH[slot] != null) {
                slot = (slot + 1) & (TABLE_SIZE - 1);
            }
            BY_HASH[slot] = k;
            SPELLING[slot] = word;
        }
    }

    /** The keyword at the lexer's current token, or {@link #NONE} (also for quoted identifiers). */
    static Keyword of(SqlLexer lx) {
        if (lx.type() != SqlLexer.IDENT) {
            return NONE;
        }
        String text = lx.text();
        int start = lx.start();
        int length = lx.end() - start;
        if (length < 2 || length > 12) {
            return NONE;
        }
        int slot = hash(text, start, lx.end()) & (TABLE_SIZE - 1);
        while (true) {
            String word = SPELLING[slot];
            if (word == null) {
                return NONE;
            }
            if (word.length() == length && equalsFoldingAscii(text, start, word)) {
                return BY_HASH[slot];
            }
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
    }

    /**
     * Whether {@code text} at {@code start} spells the lower-case {@code word}, folding only ASCII
     * A-Z as PostgreSQL's keyword lookup does (and as {@link #hash} does); a plain loop, cheaper
     * than {@code String.regionMatches(true, ...)}, which folds through {@code Character} per char.
     */
    private static boolean equalsFoldingAscii(String text, int start, String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = text.charAt(start + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + 32);
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive (ASCII) hash of {@code s[from, to)}. */
    private static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + 32);
            }
            h = 31 * h + c;
        }
        return h ^ (h >>> 16);
    }
}
