package io.tidepool.routing;

import io.tidepool.routing.StatementClassifier.Unreadable;

/**
 * Reads the query part of a statement (SELECT, VALUES, TABLE, and what follows the target of an
 * INSERT/UPDATE/DELETE/MERGE) token by token, recording the tables named after FROM and JOIN,
 * the functions called, {@code FOR UPDATE/SHARE} and {@code SELECT INTO}.
 *
 * <p>It keeps, per parenthesis depth, what the parenthesis encloses (a query, where FROM starts
 * a table list, or arguments, where {@code EXTRACT(x FROM y)} does not) and where in a FROM list
 * it is (expecting a table, after a table where an alias may follow, in the list). Keywords that
 * look like calls ({@code CAST(...)}, {@code IN (...)}, {@code OVER (...)}) are syntax, not
 * functions; a name after {@code ::} is a type.
 */
final class QueryScanner {

    /** Deepest parenthesis nesting read; deeper statements are unreadable (and go to the primary). */
    static final int MAX_DEPTH = 64;
    // What a parenthesis at a given depth encloses.
    private static final byte PAREN_QUERY = 0;       // sub-query, expression grouping: FROM is a clause here
    private static final byte PAREN_ARGS = 1;        // function arguments, type modifiers, column lists
    // FROM-clause state at a given depth.
    private static final byte S_OTHER = 0;
    private static final byte S_EXPECT_TABLE = 1;
    private static final byte S_AFTER_TABLE = 2;
    private static final byte S_FROM_LIST = 3;

    private QueryScanner() {
    }

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

    static void scan(SqlLexer lx, Facts f, boolean dml, boolean stopAtUnbalancedParen) {
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

}
