package io.tidepool.session;

import io.tidepool.admin.pcp.ProcessInfo;
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

    /**
     * The serving slots as pgpool-II lists its children (see {@link ServingSlots}): the sessions,
     * then the idle slots up to num_init_children, with the pooled connections in them.
     */
    public List<ProcessInfo> slots() {
        int maxPool = config.map(c -> c.getInt("max_pool")).orElse(1);
        List<Integer> nodes = clusters.get().current().nodes().stream().map(NodeView::id).toList();
        return ServingSlots.of(sessions.get(), idle.get(), slots, maxPool, nodes, started);
    }

    /** One row per slot: its pool slots' first connection, if it has one, says database and user. */
    private TextResultSet poolProcesses() {
        List<List<String>> rows = new ArrayList<>();
        for (ProcessInfo slot : slots()) {
            Optional<ProcessInfo.PooledConnection> first = slot.connections().stream()
                    .filter(c -> !c.database().isEmpty()).findFirst();
            rows.add(List.of(Integer.toString(slot.pid()), time(slot.startTime()),
                    Long.toString(slot.clientConnectionCount()),
                    first.map(ProcessInfo.PooledConnection::database).orElse(""),
                    first.map(ProcessInfo.PooledConnection::username).orElse(""),
                    first.map(c -> time(c.backendConnectionTime())).orElse(""),
                    first.map(c -> Long.toString(c.poolCounter())).orElse(""), slot.status()));
        }
        return TextResultSet.of(POOL_PROCESSES, rows);
    }

    /** One row per (slot, pool slot, node): num_init_children x max_pool x nodes rows, as pgpool-II lists them. */
    private TextResultSet poolPools() {
        List<List<String>> rows = new ArrayList<>();
        for (ProcessInfo slot : slots()) {
            for (ProcessInfo.PooledConnection c : slot.connections()) {
                rows.add(List.of(Integer.toString(slot.pid()), time(slot.startTime()),
                        Long.toString(slot.clientConnectionCount()), Integer.toString(c.poolId()),
                        Integer.toString(c.backendId()), c.database(), c.username(), time(c.backendConnectionTime()),
                        time(c.clientConnectionTime()), time(c.clientDisconnectionTime()),
                        Long.toString(c.clientIdleSeconds()), Integer.toString(c.protocolMajor()),
                        Integer.toString(c.protocolMinor()), Long.toString(c.poolCounter()),
                        Integer.toString(c.backendPid()), c.connected() ? "1" : "0", slot.status(),
                        c.loadBalanceNode() ? "1" : "0", c.clientHost(), c.clientPort(), c.statement()));
            }
        }
        return TextResultSet.of(POOL_POOLS, rows);
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

    private String time(Optional<Instant> at) {
        return at.map(this::time).orElse("");
    }
}
