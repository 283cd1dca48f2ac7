package io.tidepool.session;

import io.tidepool.routing.StatementClassification;
import io.tidepool.routing.StatementKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements that shaped this session's state, kept so that a node the session opens later
 * starts in the same state (DESIGN hard part 2): session-level SET/RESET/DISCARD, and, while a
 * transaction is open, its BEGIN and the SETs and savepoints issued inside it. Recorded when the
 * statement is sent (pipeline order), so a node opened by the next statement of the same
 * pipeline replays it too.
 *
 * <p>Why replay and not "send every SET to every node up front": standbys are opened lazily and
 * many sessions never use one; replaying on demand costs nothing to those.
 */
final class SessionStateLog {
    /** Bound on remembered statements; a session past it stops replaying the oldest (logged once). */
    static final int MAX_STATEMENTS = 1000;

    private final List<String> session = new ArrayList<>();
    private final List<String> transaction = new ArrayList<>();
    private String begin;

    /** Records a statement just sent; no-op for kinds that leave no state behind. */
    void record(StatementClassification c) {
        StatementKind kind = c.kind();
        if (kind == StatementKind.TRANSACTION_BEGIN) {
            begin = c.text();
            transaction.clear();
        } else if (kind == StatementKind.TRANSACTION_END) {
            String command = c.command();
            if (begin != null && (command.startsWith("COMMIT") || command.startsWith("END"))
                    && !command.contains("PREPARED")) {
                addAll(session, transaction);
            }
            begin = null;
            transaction.clear();
        } else if (kind == StatementKind.SESSION_STATE) {
            String command = c.command();
            if (command.startsWith("DISCARD") || c.text().strip().toUpperCase(java.util.Locale.ROOT).startsWith("RESET ALL")) {
                session.clear();
            }
            add(begin != null ? transaction : session, c.text());
        }
    }

    /** A ReadyForQuery said the transaction ended (failed, rolled back, or an implicit end). */
    void transactionEnded(boolean committed) {
        if (begin != null && committed) {
            addAll(session, transaction);
        }
        begin = null;
        transaction.clear();
    }

    boolean inTransaction() {
        return begin != null;
    }

    /** What a freshly opened node runs, in order, before the session's own statements. */
    List<String> replay() {
        List<String> all = new ArrayList<>(session);
        if (begin != null) {
            all.add(begin);
            all.addAll(transaction);
        }
        return all;
    }

    private static void add(List<String> list, String sql) {
        if (list.size() < MAX_STATEMENTS) {
            list.add(sql);
        }
    }

    private static void addAll(List<String> list, List<String> more) {
        for (String s : more) {
            add(list, s);
        }
    }
}
