package io.tidepool.routing;

import io.tidepool.routing.StatementClassification.Access;
import io.tidepool.routing.StatementClassification.Isolation;
import io.tidepool.routing.StatementClassification.TransactionModes;
import io.tidepool.routing.StatementClassifier.Unreadable;

/**
 * Reads one statement by its first word: the DML target, the transaction and session commands
 * and their modes, COPY's direction, EXPLAIN's options, the tables DDL creates or drops. The
 * query parts go to {@link QueryScanner}; WITH queries to {@link ParsedStatementAnalyzer}.
 */
final class CommandReader {

    private CommandReader() {
    }

    /** Classifies the statement whose first token the lexer is on. */
    static void classifyFirstWord(SqlLexer lx, Facts f) {
        if (lx.type() == SqlLexer.LPAREN) {
            f.kind(StatementKind.READ, "SELECT");
            QueryScanner.scanQuery(lx, f, false);
            finishRead(f);
            return;
        }
        if (lx.type() != SqlLexer.IDENT) {
            throw new Unreadable("statement does not start with a keyword");
        }
        switch (Keyword.of(lx)) {
            case SELECT, VALUES, TABLE -> {
                f.kind(StatementKind.READ, Keyword.of(lx).name());
                QueryScanner.scanQuery(lx, f, false);
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
        f.writtenTable(QueryScanner.readQualifiedName(lx));
        QueryScanner.scan(lx, f, true, false);
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
                f.writtenTable(QueryScanner.readQualifiedName(lx));
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
            QueryScanner.scan(lx, f, false, true); // stops on the closing ')'
            lx.next();
        } else if (lx.isIdentifier()) {
            table = QueryScanner.readQualifiedName(lx);
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
        StatementClassification inner = StatementClassifier.analyze(lx.text().substring(lx.start()));
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
                f.readTable(QueryScanner.readQualifiedName(lx));
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
        String name = QueryScanner.readQualifiedName(lx);
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
                String name = QueryScanner.readQualifiedName(lx);
                f.dropped(name);
                f.writtenTable(name);
                t = lx.type();
                continue;
            }
            t = lx.next();
        }
    }

}
