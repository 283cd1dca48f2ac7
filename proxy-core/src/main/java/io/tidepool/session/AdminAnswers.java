package io.tidepool.session;

import io.tidepool.backend.BackendNode;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.config.PoolStatusReport;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.backend.TextResultSet;
import io.tidepool.routing.ClusterView;
import io.tidepool.routing.NodeView;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The rows of the admin commands a session answers itself (spec 2.2, 2.3). Column sets and value
 * formats are pgpool-II 4.7's, so scripts written for it parse them. Shared by every session;
 * per-session facts come in as arguments.
 *
 * <p>Until the cluster owner's snapshots are wired in, node status comes from the
 * {@link ClusterViewSource}: health-check columns are zero and {@code pg_status} is {@code unknown}.
 */
public final class AdminAnswers {
    public static final String COMPATIBLE_VERSION = "4.7.2 (tasukiboshi)";

    static final List<String> POOL_NODES = List.of("node_id", "hostname", "port", "status", "pg_status", "lb_weight",
            "role", "pg_role", "select_cnt", "load_balance_node", "replication_delay", "replication_state",
            "replication_sync_state", "last_status_change");
    static final List<String> POOL_PROCESSES = List.of("pool_pid", "start_time", "client_connection_count", "database",
            "username", "backend_connection_time", "pool_counter", "status");
    static final List<String> POOL_POOLS = List.of("pool_pid", "start_time", "client_connection_count", "pool_id",
            "backend_id", "database", "username", "backend_connection_time", "client_connection_time",
            "client_disconnection_time", "client_idle_duration", "majorversion", "minorversion", "pool_counter",
            "pool_backendpid", "pool_connected", "status", "load_balance_node", "client_host", "client_port",
            "statement");
    static final List<String> BACKEND_STATS = List.of("node_id", "hostname", "port", "status", "role", "select_cnt",
            "insert_cnt", "update_cnt", "delete_cnt", "ddl_cnt", "other_cnt", "panic_cnt", "fatal_cnt", "error_cnt");
    static final List<String> HEALTH_CHECK_STATS = List.of("node_id", "hostname", "port", "status", "role",
            "last_status_change", "total_count", "success_count", "fail_count", "skip_count", "retry_count",
            "average_retry_count", "max_retry_count", "max_duration", "min_duration", "average_duration",
            "last_health_check", "last_successful_health_check", "last_skip_health_check", "last_failed_health_check");
    static final List<String> POOL_CACHE = List.of("num_cache_hits", "num_selects", "cache_hit_ratio",
            "num_hash_entries", "used_hash_entries", "num_cache_entries", "used_cache_entries_size",
            "free_cache_entries_size", "fragment_cache_entries_size");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Supplier<ClusterViewSource> clusters;
    private final Supplier<Optional<java.util.function.IntFunction<io.tidepool.cluster.HealthCheckStatistics>>> health;
    private final StatementCounters counters;
    private final Optional<PgpoolConfig> config;
    private final Supplier<List<SessionInfo>> sessions;
    private final Supplier<List<io.tidepool.backend.BackendPool.IdleConnection>> idle;
    private final int slots;
    private final Instant started = Instant.now();
    private final ZoneId zone = ZoneId.systemDefault();

    /**
     * @param slots    num_init_children: the rows of pool_processes (idle slots shown as waiting)
     * @param sessions the sessions being served now
     * @param idle     the connections waiting in the pool (connection_cache)
     */
    public AdminAnswers(Supplier<ClusterViewSource> clusters,
                        Supplier<Optional<java.util.function.IntFunction<io.tidepool.cluster.HealthCheckStatistics>>> health,
                        StatementCounters counters, Optional<PgpoolConfig> config,
                        Supplier<List<SessionInfo>> sessions, Supplier<List<io.tidepool.backend.BackendPool.IdleConnection>> idle,
                        int slots) {
        this.clusters = clusters;
        this.health = health;
        this.counters = counters;
        this.config = config;
        this.sessions = sessions;
        this.idle = idle;
        this.slots = slots;
    }

    /** The answer to a SHOW of {@code view}; {@code loadBalanceNode} is the asking session's. */
    public TextResultSet show(String view, int loadBalanceNode) {
        if (clusters.get() instanceof SnapshotClusterView owner) {
            Optional<TextResultSet> fromOwner = fromClusterOwner(owner.snapshot(), view, loadBalanceNode);
            if (fromOwner.isPresent()) {
                return fromOwner.get();
            }
        }
        return switch (view) {
            case "pool_nodes" -> poolNodes(loadBalanceNode);
            case "pool_version" -> TextResultSet.of(List.of("pool_version"), List.of(List.of(COMPATIBLE_VERSION)));
            case "pool_status" -> poolStatus();
            case "pool_processes" -> poolProcesses();
            case "pool_pools" -> poolPools();
            case "pool_backend_stats" -> backendStats();
            case "pool_health_check_stats" -> healthCheckStats();
            case "pool_cache" -> TextResultSet.of(POOL_CACHE,
                    List.of(List.of("0", "0", "0.00", "0", "0", "0", "0", "0", "0")));
            default -> throw new PgException(Severity.ERROR, SqlState.FEATURE_NOT_SUPPORTED,
                    "unrecognized configuration parameter \"" + view + "\"", null, null);
        };
    }

    /**
     * The cluster owner's rows ({@code admin.sql.PoolAdminRows}) once its snapshots are wired in:
     * real status, pg_status, replication columns and health-check statistics; select_cnt and the
     * statement counters are the sessions' own.
     */
    private Optional<TextResultSet> fromClusterOwner(io.tidepool.cluster.ClusterSnapshot snapshot, String view,
                                                     int loadBalanceNode) {
        io.tidepool.admin.sql.AdminResult r = switch (view) {
            case "pool_nodes" -> io.tidepool.admin.sql.PoolAdminRows.poolNodes(snapshot,
                    loadBalanceNode < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(loadBalanceNode),
                    id -> counters.get(id, StatementCounters.Column.SELECT), zone);
            case "pool_health_check_stats" -> health.get().map(h ->
                    io.tidepool.admin.sql.PoolAdminRows.healthCheckStats(snapshot, h, zone)).orElse(null);
            case "pool_backend_stats" -> io.tidepool.admin.sql.PoolAdminRows.backendStats(snapshot, id ->
                    new io.tidepool.admin.sql.BackendStatementCounts(
                            counters.get(id, StatementCounters.Column.SELECT), counters.get(id, StatementCounters.Column.INSERT),
                            counters.get(id, StatementCounters.Column.UPDATE), counters.get(id, StatementCounters.Column.DELETE),
                            counters.get(id, StatementCounters.Column.DDL), counters.get(id, StatementCounters.Column.OTHER),
                            counters.get(id, StatementCounters.Column.PANIC), counters.get(id, StatementCounters.Column.FATAL),
                            counters.get(id, StatementCounters.Column.ERROR)));
            case "pool_status" -> config.map(c -> io.tidepool.admin.sql.PoolAdminRows.poolStatus(c, snapshot)).orElse(null);
            default -> null;
        };
        return Optional.ofNullable(r).map(a -> TextResultSet.of(a.columns(), a.rows()));
    }

    private TextResultSet poolNodes(int loadBalanceNode) {
        ClusterViewSource cluster = clusters.get();
        ClusterView view = cluster.current();
        double total = view.nodes().stream().mapToDouble(NodeView::weight).sum();
        List<List<String>> rows = new ArrayList<>();
        for (NodeView n : view.nodes()) {
            BackendNode where = cluster.node(n.id()).orElse(new BackendNode(n.id(), "", 0));
            String role = n.isPrimary() ? "primary" : "standby";
            rows.add(List.of(Integer.toString(n.id()), where.host(), Integer.toString(where.port()),
                    n.usable() ? "up" : "down", "unknown",
                    String.format(Locale.ROOT, "%f", total == 0 ? 0 : n.weight() / total), role, role,
                    Long.toString(counters.get(n.id(), StatementCounters.Column.SELECT)),
                    n.id() == loadBalanceNode ? "true" : "false",
                    Long.toString(n.isPrimary() ? 0 : n.replicationDelayBytes()), "", "", TIME.format(started.atZone(zone))));
        }
        return TextResultSet.of(POOL_NODES, rows);
    }

    private TextResultSet poolStatus() {
        List<List<String>> rows = new ArrayList<>();
        config.ifPresent(c -> {
            for (PoolStatusReport.Row row : PoolStatusReport.rows(c, PoolStatusReport.RuntimeValues.NONE)) {
                rows.add(List.of(row.item(), row.value(), row.description()));
            }
        });
        return TextResultSet.of(List.of("item", "value", "description"), rows);
    }

    private TextResultSet poolProcesses() {
        List<List<String>> rows = new ArrayList<>();
        List<SessionInfo> live = sessions.get();
        for (SessionInfo s : live) {
            rows.add(List.of(Long.toString(s.id()), time(s.started()), "1", s.database(), s.user(), time(s.started()),
                    "1", s.status()));
        }
        for (int i = live.size(); i < slots; i++) {
            rows.add(List.of("0", time(started), "0", "", "", "", "", "Wait for connection"));
        }
        return TextResultSet.of(POOL_PROCESSES, rows);
    }

    /**
     * One row per (slot, pool slot, node), num_init_children × max_pool × nodes rows as pgpool-II
     * lists them, so scripts that count free slots from the empty rows keep working. A session uses
     * pool slot 0 (one connection per node); connections waiting in the pool follow the sessions;
     * the rest are empty rows of idle slots.
     */
    private TextResultSet poolPools() {
        List<List<String>> rows = new ArrayList<>();
        ClusterView view = clusters.get().current();
        int maxPool = Math.max(1, config.map(c -> c.getInt("max_pool")).orElse(1));
        for (SessionInfo s : sessions.get()) {
            for (int pool = 0; pool < maxPool; pool++) {
                for (NodeView n : view.nodes()) {
                    rows.add(pool == 0 ? sessionRow(s, n.id())
                            : emptyRow(Long.toString(s.id()), time(s.started()), "1", pool, n.id(), s.status()));
                }
            }
        }
        // Pooled connections no session holds, as pgpool-II lists a child's cached connections:
        // no client, pool_connected 0; client_disconnection_time is when the last one left.
        for (io.tidepool.backend.BackendPool.IdleConnection c : idle.get()) {
            rows.add(List.of("0", time(started), "0", "0", Integer.toString(c.node()), c.database(), c.user(),
                    time(c.opened()), "", time(c.parkedAt()), "0", "3", "0", Integer.toString(c.uses()),
                    Integer.toString(c.backendPid()), "0", "Wait for connection", "0", "", "", ""));
        }
        int nodes = view.nodes().size();
        for (int row = rows.size(); row < slots * maxPool * nodes; row++) {
            rows.add(emptyRow("0", time(started), "0", (row / nodes) % maxPool, view.nodes().get(row % nodes).id(),
                    "Wait for connection"));
        }
        return TextResultSet.of(POOL_POOLS, rows);
    }

    /** A session's pool slot 0 towards {@code node}, connected or not yet. */
    private List<String> sessionRow(SessionInfo s, int node) {
        Integer pid = s.backendPids().get(node);
        boolean connected = pid != null;
        return List.of(Long.toString(s.id()), time(s.started()), "1", "0", Integer.toString(node),
                connected ? s.database() : "", connected ? s.user() : "", connected ? time(s.started()) : "",
                time(s.started()), "", "0", connected ? "3" : "0", "0", connected ? "1" : "0",
                connected ? Integer.toString(pid) : "0", connected ? "1" : "0", s.status(),
                connected && node == s.loadBalanceNode() ? "1" : "0", s.clientHost(), s.clientPort(),
                connected ? s.lastStatement() : "");
    }

    /** A pool slot without a connection: pgpool-II's zeros and empty strings. */
    private static List<String> emptyRow(String pid, String startTime, String clientConnections, int pool, int node,
                                         String status) {
        return List.of(pid, startTime, clientConnections, Integer.toString(pool), Integer.toString(node), "", "", "",
                "", "", "0", "0", "0", "0", "0", "0", status, "0", "", "", "");
    }

    private TextResultSet backendStats() {
        List<List<String>> rows = new ArrayList<>();
        ClusterView view = clusters.get().current();
        for (NodeView n : view.nodes()) {
            List<String> row = new ArrayList<>(nodeColumns(n));
            for (StatementCounters.Column c : StatementCounters.Column.values()) {
                row.add(Long.toString(counters.get(n.id(), c)));
            }
            rows.add(row);
        }
        return TextResultSet.of(BACKEND_STATS, rows);
    }

    private TextResultSet healthCheckStats() {
        List<List<String>> rows = new ArrayList<>();
        for (NodeView n : clusters.get().current().nodes()) {
            List<String> row = new ArrayList<>(nodeColumns(n));
            row.add(time(started));
            row.addAll(List.of("0", "0", "0", "0", "0", "0.000000", "0", "0", "0", "0.000000", "", "", "", ""));
            rows.add(row);
        }
        return TextResultSet.of(HEALTH_CHECK_STATS, rows);
    }

    private List<String> nodeColumns(NodeView n) {
        BackendNode where = clusters.get().node(n.id()).orElse(new BackendNode(n.id(), "", 0));
        return List.of(Integer.toString(n.id()), where.host(), Integer.toString(where.port()),
                n.usable() ? "up" : "down", n.isPrimary() ? "primary" : "standby");
    }

    // ------------------------------------------------------------------ PGPOOL SHOW / SET / RESET

    /** The server's configuration, when it was built from one. */
    public Optional<PgpoolConfig> config() {
        return config;
    }

    /**
     * {@code PGPOOL SHOW name} over {@code sessionView}, the configuration with the session's
     * PGPOOL SET values: a parameter, an array element, an array, a group or {@code all}
     * ({@link io.tidepool.config.PgpoolShow}).
     */
    public TextResultSet pgpoolShow(String name, Optional<PgpoolConfig> sessionView) {
        PgpoolConfig c = sessionView.or(() -> config).orElseThrow(() -> notFound(name));
        io.tidepool.config.PgpoolShow.Answer answer = io.tidepool.config.PgpoolShow.of(c, name)
                .orElseThrow(() -> notFound(name));
        if (answer instanceof io.tidepool.config.PgpoolShow.Value v) {
            return TextResultSet.of(List.of(v.column()), List.of(List.of(v.value())));
        }
        List<List<String>> rows = new ArrayList<>();
        for (io.tidepool.config.PgpoolShow.Row r : ((io.tidepool.config.PgpoolShow.Table) answer).rows()) {
            rows.add(List.of(r.item(), r.value(), r.description()));
        }
        return TextResultSet.of(List.of("item", "value", "description"), rows);
    }

    private static PgException notFound(String name) {
        return new PgException(Severity.ERROR, SqlState.UNDEFINED_OBJECT,
                "config variable \"" + name + "\" not found", null, null);
    }

    private String time(Instant at) {
        return TIME.format(at.atZone(zone));
    }
}
