package io.tidepool.session;

import io.tidepool.config.Parameter;
import io.tidepool.config.ParameterContext;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.routing.RoutingSettings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code PGPOOL SET} changed for one session (spec 2.3), and what that changes in the
 * session's behaviour. Only parameters of context {@link ParameterContext#SESSION} are accepted
 * (the twelve pgpool-II allows), each value checked as pgpool.conf would check it; the session's
 * view of the configuration is the file's with these values on top, so {@code PGPOOL SHOW} prints
 * them in the same format as file values.
 *
 * <p>Effects: {@code allow_sql_comments} and {@code check_unlogged_table} steer this session's
 * routing ({@link #routing}); {@code client_idle_limit} its idle timer; {@code log_statement},
 * {@code log_client_messages} and {@code log_per_node_statement} what is logged for it;
 * {@code notice_per_node_statement} sends the client a NOTICE naming the node of each statement,
 * unless {@code client_min_messages} is above {@code notice}. The logging levels
 * ({@code log_min_messages}, {@code log_error_verbosity}, {@code log_backend_messages}) and
 * {@code client_idle_limit_in_recovery} are kept and shown, but apply server-wide only.
 *
 * <p>Event-loop confined, like its session.
 */
final class PgpoolSessionSettings {

    /** {@code client_min_messages} values below which a NOTICE is not sent. */
    private static final Set<String> NOTICE_VISIBLE = Set.of("debug5", "debug4", "debug3", "debug2", "debug1", "log",
            "notice");

    private final Optional<PgpoolConfig> file;
    private final Map<String, String> values = new LinkedHashMap<>();
    private Optional<PgpoolConfig> view;
    /** Derived from {@link #view} at each change, read per statement. */
    private boolean noticePerNode;
    private boolean logPerNode;

    /** @param file the server's configuration; empty when the server was built without one (no PGPOOL SET then) */
    PgpoolSessionSettings(Optional<PgpoolConfig> file) {
        this.file = file;
        this.view = file;
        derive();
    }

    /** The configuration as this session sees it. */
    Optional<PgpoolConfig> view() {
        return view;
    }

    /** Whether no value was set in this session (the hot paths then read the server's settings alone). */
    boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * {@code PGPOOL SET name = text}; {@code text} empty for {@code DEFAULT}, which is RESET.
     *
     * @throws PgException 42704 unknown parameter, 55P02 not settable per session, 22023 bad value
     */
    void set(String name, Optional<String> text) {
        checkSettable(name);
        if (text.isEmpty()) {
            reset(name);
            return;
        }
        try {
            view = Optional.of(view.orElseThrow().withSessionValue(name, text.get()));
        } catch (IllegalArgumentException e) {
            throw new PgException(Severity.ERROR, SqlState.INVALID_PARAMETER_VALUE, e.getMessage(), null, null);
        }
        values.put(name, text.get());
        derive();
    }

    /** {@code PGPOOL RESET name}: back to the file's value. */
    void reset(String name) {
        checkSettable(name);
        if (values.remove(name) != null) {
            rebuild();
        }
    }

    /** {@code PGPOOL RESET ALL}. */
    void resetAll() {
        if (!values.isEmpty()) {
            values.clear();
            rebuild();
        }
    }

    private void rebuild() {
        Optional<PgpoolConfig> v = file;
        for (Map.Entry<String, String> e : values.entrySet()) {
            v = Optional.of(v.orElseThrow().withSessionValue(e.getKey(), e.getValue()));
        }
        view = v;
        derive();
    }

    private void derive() {
        noticePerNode = view.isPresent() && view.get().getBoolean("notice_per_node_statement")
                && NOTICE_VISIBLE.contains(view.get().getString("client_min_messages"));
        logPerNode = view.isPresent() && view.get().getBoolean("log_per_node_statement");
    }

    private void checkSettable(String name) {
        PgpoolConfig c = file.orElseThrow(() -> unrecognized(name));
        Parameter p = c.catalog().find(name).orElseThrow(() -> unrecognized(name));
        if (p.context() != ParameterContext.SESSION) {
            throw new PgException(Severity.ERROR, SqlState.CANT_CHANGE_RUNTIME_PARAM,
                    "invalid Context, value for parameter \"" + name + "\" cannot be changed", null,
                    "change it in pgpool.conf and reload");
        }
    }

    private static PgException unrecognized(String name) {
        return new PgException(Severity.ERROR, SqlState.UNDEFINED_OBJECT,
                "unrecognized configuration parameter \"" + name + "\"", null, null);
    }

    // ------------------------------------------------------------------ effects

    /** The server's routing settings with this session's allow_sql_comments and check_unlogged_table. */
    RoutingSettings routing(RoutingSettings server) {
        boolean comments = bool("allow_sql_comments", server.allowSqlComments());
        boolean unlogged = bool("check_unlogged_table", server.checkUnloggedTable());
        if (comments == server.allowSqlComments() && unlogged == server.checkUnloggedTable()) {
            return server;
        }
        return server.toBuilder().allowSqlComments(comments).checkUnloggedTable(unlogged).build();
    }

    /** Whether routing depends on this session's values (so the server's router will not do). */
    boolean changesRouting() {
        return values.containsKey("allow_sql_comments") || values.containsKey("check_unlogged_table");
    }

    Duration clientIdleLimit(Duration server) {
        return values.containsKey("client_idle_limit") ? view.orElseThrow().getDuration("client_idle_limit") : server;
    }

    boolean logStatement(boolean server) {
        return bool("log_statement", server);
    }

    boolean logClientMessages(boolean server) {
        return bool("log_client_messages", server);
    }

    boolean noticePerNodeStatement() {
        return noticePerNode;
    }

    boolean logPerNodeStatement() {
        return logPerNode;
    }

    private boolean bool(String name, boolean server) {
        return values.containsKey(name) ? view.orElseThrow().getBoolean(name) : server;
    }
}
