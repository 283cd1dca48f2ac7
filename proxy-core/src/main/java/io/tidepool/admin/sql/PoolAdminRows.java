package io.tidepool.admin.sql;

import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.HealthCheckStatistics;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.config.PoolStatusReport;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * The rows of the {@code SHOW pool_*} commands that describe the cluster, as pure functions of a
 * snapshot: same columns, order and formats as pgpool-II (spec 2.2), so scripts written for
 * pgpool-II parse them. The session layer sends them over the wire.
 */
public final class PoolAdminRows {

    /** pgpool-II release whose column sets these are; {@code SHOW pool_version} starts with it. */
    public static final String COMPATIBLE_VERSION = "4.7.2";
    public static final String COMPATIBLE_CODENAME = "tasukiboshi";

    public static final List<String> POOL_NODES_COLUMNS = List.of("node_id", "hostname", "port", "status",
            "pg_status", "lb_weight", "role", "pg_role", "select_cnt", "load_balance_node", "replication_delay",
            "replication_state", "replication_sync_state", "last_status_change");

    public static final List<String> HEALTH_CHECK_STATS_COLUMNS = List.of("node_id", "hostname", "port", "status",
            "role", "last_status_change", "total_count", "success_count", "fail_count", "skip_count", "retry_count",
            "average_retry_count", "max_retry_count", "max_duration", "min_duration", "average_duration",
            "last_health_check", "last_successful_health_check", "last_skip_health_check",
            "last_failed_health_check");

    public static final List<String> BACKEND_STATS_COLUMNS = List.of("node_id", "hostname", "port", "status", "role",
            "select_cnt", "insert_cnt", "update_cnt", "delete_cnt", "ddl_cnt", "other_cnt", "panic_cnt", "fatal_cnt",
            "error_cnt");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private PoolAdminRows() {
    }

    /**
     * SHOW pool_nodes (spec 2.2.1), one row per backend slot.
     *
     * @param loadBalanceNode the asking session's load-balance node, if it has one
     */
    public static AdminResult poolNodes(ClusterSnapshot cluster, OptionalInt loadBalanceNode, ZoneId zone) {
        return poolNodes(cluster, loadBalanceNode, id -> cluster.node(id).map(NodeSnapshot::selectCount).orElse(0L),
                zone);
    }

    /** SHOW pool_nodes with {@code select_cnt} from the sessions' counters rather than the snapshot. */
    public static AdminResult poolNodes(ClusterSnapshot cluster, OptionalInt loadBalanceNode,
                                        IntToLongFunction selectCounts, ZoneId zone) {
        List<List<String>> rows = new ArrayList<>();
        boolean sr = cluster.clusteringMode().hasPrimary();
        for (NodeSnapshot n : cluster.nodes()) {
            rows.add(List.of(
                    Integer.toString(n.id()),
                    n.hostname(),
                    Integer.toString(n.port()),
                    n.statusName(),
                    n.actualStatus().text(),
                    String.format(Locale.ROOT, "%f", n.weight()),
                    n.role().text(),
                    sr ? n.actualRole() : n.role().text(),
                    Long.toUnsignedString(selectCounts.applyAsLong(n.id())),
                    loadBalanceNode.isPresent() && loadBalanceNode.getAsInt() == n.id() ? "true" : "false",
                    replicationDelay(cluster, n),
                    n.replicationState(),
                    n.syncState(),
                    time(n.lastStatusChange(), zone)));
        }
        return new AdminResult(POOL_NODES_COLUMNS, rows);
    }

    /** {@code 0} for the primary and outside streaming replication; bytes, or seconds when measured by time. */
    static String replicationDelay(ClusterSnapshot cluster, NodeSnapshot n) {
        boolean isPrimary = cluster.primaryId().isPresent() && cluster.primaryId().getAsInt() == n.id();
        if (!cluster.clusteringMode().hasPrimary() || isPrimary) {
            return "0";
        }
        if (!n.delayByTime()) {
            return Long.toUnsignedString(n.replicationDelay());
        }
        double seconds = n.replicationDelay() / 1_000_000.0;
        return String.format(Locale.ROOT, "%f %s", seconds, seconds >= 2 ? "seconds" : "second");
    }

    /** SHOW pool_health_check_stats (spec 2.2.6). */
    public static AdminResult healthCheckStats(ClusterSnapshot cluster, IntFunction<HealthCheckStatistics> stats,
                                               ZoneId zone) {
        List<List<String>> rows = new ArrayList<>();
        for (NodeSnapshot n : cluster.nodes()) {
            rows.add(healthCheckRow(n, stats.apply(n.id()), zone));
        }
        return new AdminResult(HEALTH_CHECK_STATS_COLUMNS, rows);
    }

    /** The 20 values of one node, also the payload of PCP's {@code h} response (spec 1.7.4). */
    public static List<String> healthCheckRow(NodeSnapshot n, HealthCheckStatistics s, ZoneId zone) {
        return List.of(
                Integer.toString(n.id()),
                n.hostname(),
                Integer.toString(n.port()),
                n.statusName(),
                n.role().text(),
                time(n.lastStatusChange(), zone),
                Long.toString(s.totalCount()),
                Long.toString(s.successCount()),
                Long.toString(s.failCount()),
                Long.toString(s.skipCount()),
                Long.toString(s.retryCount()),
                String.format(Locale.ROOT, "%f", s.averageRetryCount()),
                Long.toString(s.maxRetryCount()),
                Long.toString(s.maxDurationMillis()),
                Long.toString(s.minDurationMillis()),
                String.format(Locale.ROOT, "%f", s.averageDurationMillis()),
                time(s.lastHealthCheck(), zone),
                time(s.lastSuccessfulHealthCheck(), zone),
                time(s.lastSkippedHealthCheck(), zone),
                time(s.lastFailedHealthCheck(), zone));
    }

    /** SHOW pool_backend_stats (spec 2.2.7). */
    public static AdminResult backendStats(ClusterSnapshot cluster, IntFunction<BackendStatementCounts> counts) {
        List<List<String>> rows = new ArrayList<>();
        for (NodeSnapshot n : cluster.nodes()) {
            BackendStatementCounts c = counts.apply(n.id());
            rows.add(List.of(Integer.toString(n.id()), n.hostname(), Integer.toString(n.port()), n.statusName(),
                    n.role().text(), u(c.select()), u(c.insert()), u(c.update()), u(c.delete()), u(c.ddl()),
                    u(c.other()), u(c.panic()), u(c.fatal()), u(c.error())));
        }
        return new AdminResult(BACKEND_STATS_COLUMNS, rows);
    }

    /**
     * SHOW pool_version (spec 2.2.5): pgpool-II's form {@code <version> (<codename>)} with the
     * pgpool-II release whose interfaces Tidepool serves, then Tidepool's own version, so that
     * scripts reading the leading number keep working and nobody mistakes Tidepool for pgpool-II.
     */
    public static AdminResult poolVersion(String tidepoolVersion) {
        return new AdminResult(List.of("pool_version"), List.of(List.of(COMPATIBLE_VERSION + " ("
                + COMPATIBLE_CODENAME + "; Tidepool " + tidepoolVersion + ")")));
    }

    /** SHOW pool_status (spec 2.2.2): the configuration report with the nodes' run-time values. */
    public static AdminResult poolStatus(PgpoolConfig config, ClusterSnapshot cluster) {
        List<List<String>> rows = new ArrayList<>();
        for (PoolStatusReport.Row row : PoolStatusReport.rows(config, runtimeValues(cluster))) {
            rows.add(List.of(row.item(), row.value(), row.description()));
        }
        return new AdminResult(List.of("item", "value", "description"), rows);
    }

    /** The node statuses and delays the configuration report shows, from a snapshot. */
    public static PoolStatusReport.RuntimeValues runtimeValues(ClusterSnapshot cluster) {
        return new PoolStatusReport.RuntimeValues() {
            @Override
            public String backendStatus(int nodeId) {
                return cluster.node(nodeId).map(NodeSnapshot::statusName).orElse("unused");
            }

            @Override
            public long standbyDelay(int nodeId) {
                return cluster.node(nodeId).map(NodeSnapshot::replicationDelay).orElse(0L);
            }

            @Override
            public String cacheStatisticsStart() {
                return PoolStatusReport.RuntimeValues.NONE.cacheStatisticsStart();
            }

            @Override
            public long cacheMisses() {
                return 0;
            }

            @Override
            public long cacheHits() {
                return 0;
            }
        };
    }

    private static String u(long value) {
        return Long.toUnsignedString(value);
    }

    private static String time(Instant instant, ZoneId zone) {
        return TIME.format(instant.atZone(zone));
    }

    private static String time(Optional<Instant> instant, ZoneId zone) {
        return instant.map(i -> time(i, zone)).orElse("");
    }
}
