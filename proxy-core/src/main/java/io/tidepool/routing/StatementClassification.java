package io.tidepool.routing;

import java.util.Set;

/**
 * What the {@link StatementClassifier} learned about one statement text. Immutable and independent
 * of configuration, so one instance is cached per text and shared by every session; the
 * {@link Router} applies the settings.
 *
 * <p>Names (tables, functions) are folded as PostgreSQL folds them (unquoted lower-cased), and kept
 * schema-qualified when the statement qualified them ({@code pg_catalog.pg_type}).
 *
 * @param text               the statement text as received (used for primary_routing_query_pattern_list)
 * @param kind               what the statement is
 * @param command            the leading command word(s), upper-case ({@code SELECT}, {@code START TRANSACTION})
 * @param writes             whether this counts as a writing query for {@code disable_load_balance_on_write}
 * @param readTables         tables and views read
 * @param writtenTables      tables written (INSERT/UPDATE/DELETE/MERGE/TRUNCATE/COPY FROM/SELECT INTO/DDL target)
 * @param functions          functions called
 * @param locking            {@code FOR UPDATE/NO KEY UPDATE/SHARE/KEY SHARE} anywhere in the statement
 * @param readsSystemCatalog a {@code pg_*} relation or the {@code pg_catalog}/{@code information_schema} schema is read
 * @param createdTempTables  temporary tables this statement creates
 * @param droppedTables      tables this statement drops
 * @param discardsTempTables {@code DISCARD ALL} or {@code DISCARD TEMP}
 * @param transactionModes   modes set by BEGIN / START TRANSACTION / SET TRANSACTION / SET SESSION CHARACTERISTICS
 * @param leadingWhitespace  the text starts with white space
 * @param leadingComment     a comment comes before the first token
 * @param noLoadBalanceHint  a leading comment contains {@code NO LOAD BALANCE}
 * @param source             how the classification was obtained
 * @param detail             a short explanation when the statement was not fully read, else empty
 */
public record StatementClassification(
        String text,
        StatementKind kind,
        String command,
        boolean writes,
        Set<String> readTables,
        Set<String> writtenTables,
        Set<String> functions,
        boolean locking,
        boolean readsSystemCatalog,
        Set<String> createdTempTables,
        Set<String> droppedTables,
        boolean discardsTempTables,
        TransactionModes transactionModes,
        boolean leadingWhitespace,
        boolean leadingComment,
        boolean noLoadBalanceHint,
        Source source,
        String detail) {

    /** How a classification was obtained. */
    public enum Source {
        /** The hand-written lexer read the whole statement. */
        FAST_PATH,
        /** JSqlParser read it. */
        PARSER,
        /** Neither could: the statement is {@link StatementKind#UNREADABLE}. */
        NONE
    }

    public StatementClassification {
        readTables = ImmutableCopies.set(readTables);
        writtenTables = ImmutableCopies.set(writtenTables);
        functions = ImmutableCopies.set(functions);
        createdTempTables = ImmutableCopies.set(createdTempTables);
        droppedTables = ImmutableCopies.set(droppedTables);
        if (transactionModes == null) {
            transactionModes = TransactionModes.NONE;
        }
        if (detail == null) {
            detail = "";
        }
    }

    /** The same classification for another text (of the same {@link StatementShape}). */
    StatementClassification withText(String otherText) {
        return new StatementClassification(otherText, kind, command, writes, readTables, writtenTables, functions,
                locking, readsSystemCatalog, createdTempTables, droppedTables, discardsTempTables, transactionModes,
                leadingWhitespace, leadingComment, noLoadBalanceHint, source, detail);
    }

    /** Every table the statement touches, read or written. */
    public Set<String> touchedTables() {
        if (writtenTables.isEmpty()) {
            return readTables;
        }
        if (readTables.isEmpty()) {
            return writtenTables;
        }
        java.util.Set<String> all = new java.util.HashSet<>(readTables);
        all.addAll(writtenTables);
        return Set.copyOf(all);
    }

    /** Transaction modes named by a statement; {@link #NONE} when it names none. */
    public record TransactionModes(Isolation isolation, Access access, boolean sessionDefault) {
        public static final TransactionModes NONE = new TransactionModes(Isolation.UNSPECIFIED, Access.UNSPECIFIED, false);

        public boolean serializable() {
            return isolation == Isolation.SERIALIZABLE;
        }

        public boolean readOnly() {
            return access == Access.READ_ONLY;
        }

        public boolean readWrite() {
            return access == Access.READ_WRITE;
        }
    }

    /** Isolation level named by a statement. */
    public enum Isolation { UNSPECIFIED, READ_UNCOMMITTED, READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE }

    /** Access mode named by a statement. */
    public enum Access { UNSPECIFIED, READ_ONLY, READ_WRITE }
}
