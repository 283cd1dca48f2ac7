package io.tidepool.routing;

import io.tidepool.routing.RoutingDecision.Note;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code PGPOOL EXPLAIN ROUTING <statement>} (a Tidepool extension): shows, without running the
 * statement, which node(s) would run it and the rule that decided. The admin layer recognises
 * the command with {@link #statementOf}, routes the statement with the session's own state, and
 * sends {@link #explain}'s rows as a result set (all columns text).
 *
 * <p>One row per configured node: {@code node_id}, {@code role}, {@code chosen} ({@code t}/{@code f}),
 * {@code reason} (the deciding rule on chosen nodes, the relevant fact on others, such as a delay
 * past the threshold), then one row with {@code node_id} empty describing the statement.
 */
public final class RoutingExplainer {

    public static final List<String> COLUMNS = List.of("node_id", "role", "chosen", "reason");

    private RoutingExplainer() {
    }

    /** The result set: column names and text rows. */
    public record Result(List<String> columns, List<List<String>> rows) {
        public Result {
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    /**
     * The statement after {@code PGPOOL EXPLAIN ROUTING}, if {@code sql} is that command (any
     * case, any white space or comments between the words); empty otherwise.
     */
    public static Optional<String> statementOf(String sql) {
        SqlLexer lx = new SqlLexer().reset(sql);
        String[] words = {"PGPOOL", "EXPLAIN", "ROUTING"};
        for (String word : words) {
            if (lx.next() != SqlLexer.IDENT || !lx.is(word)) {
                return Optional.empty();
            }
        }
        int t = lx.next();
        if (t == SqlLexer.EOF || t == SqlLexer.ERROR) {
            return Optional.empty();
        }
        String statement = sql.substring(lx.start()).strip();
        return statement.isEmpty() ? Optional.empty() : Optional.of(statement);
    }

    /** Formats a decision for the cluster it was taken in. */
    public static Result explain(StatementClassification statement, RoutingDecision decision, ClusterView cluster) {
        List<List<String>> rows = new ArrayList<>();
        StringBuilder general = new StringBuilder();
        for (Note note : decision.notes()) {
            if (note.nodeId() < 0) {
                general.append("; ").append(note.text());
            }
        }
        for (NodeView node : cluster.nodes()) {
            boolean chosen = decision.nodeIds().contains(node.id());
            StringBuilder reason = new StringBuilder();
            if (chosen) {
                reason.append(decision.rule()).append(general);
            }
            for (Note note : decision.notes()) {
                if (note.nodeId() == node.id()) {
                    if (reason.length() > 0) {
                        reason.append("; ");
                    }
                    reason.append(note.text());
                }
            }
            if (!chosen && reason.length() == 0 && !node.usable()) {
                reason.append("node is down");
            }
            rows.add(List.of(Integer.toString(node.id()), node.isPrimary() ? "primary" : "standby",
                    chosen ? "t" : "f", reason.toString()));
        }
        if (decision.nodeIds().isEmpty()) {
            rows.add(List.of("", "", "f", decision.rule() + general));
        }
        rows.add(List.of("", "", "", "statement: " + describe(statement)));
        return new Result(COLUMNS, rows);
    }

    /** A one-line summary of a classification: kind, command, tables, functions, flags. */
    static String describe(StatementClassification s) {
        StringBuilder b = new StringBuilder();
        b.append(s.kind().name().toLowerCase(java.util.Locale.ROOT));
        if (!s.command().isEmpty()) {
            b.append(' ').append(s.command());
        }
        if (!s.readTables().isEmpty()) {
            b.append(", reads ").append(String.join(", ", s.readTables()));
        }
        if (!s.writtenTables().isEmpty()) {
            b.append(", writes ").append(String.join(", ", s.writtenTables()));
        }
        if (!s.functions().isEmpty()) {
            b.append(", calls ").append(String.join("(), ", s.functions())).append("()");
        }
        b.append(", classified by ").append(switch (s.source()) {
            case FAST_PATH -> "lexer";
            case PARSER -> "JSqlParser";
            case NONE -> "nothing";
        });
        return b.toString();
    }
}
