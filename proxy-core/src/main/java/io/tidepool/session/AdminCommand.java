package io.tidepool.session;

import io.tidepool.routing.RoutingExplainer;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement the proxy answers itself instead of a backend (spec 2): {@code SHOW pool_*},
 * {@code PGPOOL SHOW/SET/RESET}, and Tidepool's {@code PGPOOL EXPLAIN ROUTING}. Recognised in
 * simple Query and in Parse alike (pgpool-II only looks at simple Query, so pgJDBC's extended
 * protocol gets a backend's "unrecognized configuration parameter" there).
 *
 * @param verb     what to do
 * @param argument the pool view ({@code pool_nodes}), the parameter name (lower-cased unless
 *                 quoted), or the statement to explain
 * @param value    the value of PGPOOL SET, empty for {@code DEFAULT} and other verbs
 */
public record AdminCommand(Verb verb, String argument, Optional<String> value) {

    public enum Verb { SHOW_POOL, PGPOOL_SHOW, PGPOOL_SET, PGPOOL_RESET, EXPLAIN_ROUTING }

    /** The views SHOW answers (spec 2.2); pool_cache too, all zero while there is no query cache. */
    public static final Set<String> POOL_VIEWS = Set.of("pool_nodes", "pool_status", "pool_version", "pool_processes",
            "pool_pools", "pool_backend_stats", "pool_health_check_stats", "pool_cache");

    private static final Pattern SHOW = Pattern.compile("(?is)show\\s+(\"?)(pool_[a-z_]+)\\1\\s*;?\\s*");
    private static final Pattern PGPOOL_SHOW = Pattern.compile("(?is)pgpool\\s+show\\s+(\"[^\"]+\"|[a-z_0-9]+)\\s*;?\\s*");
    private static final Pattern PGPOOL_SET = Pattern.compile(
            "(?is)pgpool\\s+set\\s+(\"[^\"]+\"|[a-z_0-9]+)\\s*(?:=|\\s+to\\s+)\\s*(.+?)\\s*;?\\s*");
    private static final Pattern PGPOOL_RESET = Pattern.compile("(?is)pgpool\\s+reset\\s+(\"[^\"]+\"|[a-z_0-9]+)\\s*;?\\s*");

    /** The admin command in {@code sql}, if it is one. Cheap for ordinary SQL: one look at the first letter. */
    public static Optional<AdminCommand> parse(String sql) {
        String s = stripLeadingComments(sql);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        char first = Character.toLowerCase(s.charAt(0));
        if (first == 's') {
            if (!s.regionMatches(true, 0, "show", 0, 4)) {
                return Optional.empty();
            }
            Matcher m = SHOW.matcher(s);
            if (m.matches()) {
                String view = m.group(2).toLowerCase(Locale.ROOT);
                if (POOL_VIEWS.contains(view)) {
                    return Optional.of(new AdminCommand(Verb.SHOW_POOL, view, Optional.empty()));
                }
            }
            return Optional.empty();
        }
        if (first != 'p' || !s.regionMatches(true, 0, "pgpool", 0, 6)) {
            return Optional.empty();
        }
        Optional<String> explained = RoutingExplainer.statementOf(s);
        if (explained.isPresent()) {
            return Optional.of(new AdminCommand(Verb.EXPLAIN_ROUTING, explained.get(), Optional.empty()));
        }
        Matcher m = PGPOOL_SHOW.matcher(s);
        if (m.matches()) {
            return Optional.of(new AdminCommand(Verb.PGPOOL_SHOW, name(m.group(1)), Optional.empty()));
        }
        m = PGPOOL_SET.matcher(s);
        if (m.matches()) {
            String value = m.group(2);
            Optional<String> v = value.equalsIgnoreCase("default") ? Optional.empty() : Optional.of(unquote(value));
            return Optional.of(new AdminCommand(Verb.PGPOOL_SET, name(m.group(1)), v));
        }
        m = PGPOOL_RESET.matcher(s);
        if (m.matches()) {
            return Optional.of(new AdminCommand(Verb.PGPOOL_RESET, name(m.group(1)), Optional.empty()));
        }
        return Optional.empty();
    }

    private static String name(String token) {
        return token.startsWith("\"") ? token.substring(1, token.length() - 1) : token.toLowerCase(Locale.ROOT);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("''", "'");
        }
        return value;
    }

    /** Skips white space, {@code --} and {@code /* *}{@code /} comments before the first word. */
    static String stripLeadingComments(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        return sql.substring(i);
    }
}
