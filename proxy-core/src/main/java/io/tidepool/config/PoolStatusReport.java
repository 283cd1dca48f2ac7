package io.tidepool.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code SHOW pool_status} / {@code pcp_pool_status} (spec 2.2.2, 1.7.7 and Appendix A) from
 * a configuration and a few run-time values. Values follow pgpool-II's formats: booleans {@code 0/1},
 * enums their integer codes, lists joined, numbers in the parameter's base unit, file modes as four
 * octal digits, weights normalised to 0..1 with six decimals.
 *
 * <p>Two deliberate differences: descriptions are our own words (clients do not parse them), and
 * passwords print as {@code *****} (pgpool-II shows some in clear text to anyone who can run SQL
 * through it).
 */
public final class PoolStatusReport {

    /** Wire limits of pcp_pool_status (spec 1.7.7): name 64, value 512, description 80 bytes with NUL. */
    static final int MAX_ITEM_BYTES = 63;
    static final int MAX_VALUE_BYTES = 511;
    static final int MAX_DESCRIPTION_BYTES = 79;

    /** One row: {@code item}, {@code value}, {@code description} columns. */
    public record Row(String item, String value, String description) {
    }

    /** Run-time values the configuration does not hold; supplied by the cluster and the query cache. */
    public interface RuntimeValues {
        /** {@code up}, {@code waiting}, {@code down}, {@code quarantine} or {@code unused}. */
        String backendStatus(int nodeId);

        /** Replication delay in bytes (or as the delay check measures it). */
        long standbyDelay(int nodeId);

        /** When the query cache statistics started, as C's ctime() without newline. */
        String cacheStatisticsStart();

        long cacheMisses();

        long cacheHits();

        /** For tests and tools that have no running cluster: every node {@code waiting}, counters 0. */
        RuntimeValues NONE = new RuntimeValues() {
            @Override
            public String backendStatus(int nodeId) {
                return "waiting";
            }

            @Override
            public long standbyDelay(int nodeId) {
                return 0;
            }

            @Override
            public String cacheStatisticsStart() {
                return "";
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

    private final PgpoolConfig config;
    private final RuntimeValues runtime;
    private final List<Row> rows = new ArrayList<>();

    private PoolStatusReport(PgpoolConfig config, RuntimeValues runtime) {
        this.config = config;
        this.runtime = runtime;
    }

    public static List<Row> rows(PgpoolConfig config, RuntimeValues runtime) {
        PoolStatusReport report = new PoolStatusReport(config, runtime);
        for (String entry : PoolStatusLayout.ROWS) {
            switch (entry) {
                case PoolStatusLayout.WATCHDOG_NODES -> report.watchdogNodes();
                case PoolStatusLayout.HEARTBEATS -> report.heartbeats();
                case PoolStatusLayout.CACHE_STATISTICS -> report.cacheStatistics();
                case PoolStatusLayout.BACKENDS -> report.backends();
                default -> report.parameter(entry);
            }
        }
        return List.copyOf(report.rows);
    }

    /** What {@code SHOW pool_status} prints for a parameter's value (see the class comment). */
    public static String statusValue(Parameter parameter, Object value) {
        if (parameter.isSecret() && value instanceof String s && !s.isEmpty() && !parameter.name().equals("pool_passwd")) {
            return "*****";
        }
        return switch (parameter.type()) {
            case BOOL -> (Boolean) value ? "1" : "0";
            case INT -> parameter.isFileMode() ? String.format(Locale.ROOT, "%04o", (Long) value) : value.toString();
            case REAL -> String.format(Locale.ROOT, "%f", (Double) value);
            case STRING -> (String) value;
            case ENUM -> parameter.name().equals("syslog_facility")
                    ? ((EnumOption) value).name()
                    : Integer.toString(((EnumOption) value).code());
            case LIST -> String.join(String.valueOf(parameter.listSeparator()), ValueParser.castList(value));
        };
    }

    private void parameter(String name) {
        ParameterCatalog.Known known = config.catalog().resolveKnown(name);
        add(PoolStatusLayout.ITEM_NAMES.getOrDefault(name, name), statusValue(known.parameter(), config.value(known)),
                known.parameter().description());
    }

    private void indexed(String name, int index, String description) {
        ParameterCatalog.Known known = config.catalog().resolveKnown(name + index);
        add(name + index, statusValue(known.parameter(), config.value(known)), description);
    }

    private void watchdogNodes() {
        int self = config.pgpoolNodeId();
        for (int i : config.watchdogNodeIds()) {
            String who = i == self ? "this proxy (watchdog node " + i + ")" : "watchdog node " + i;
            indexed("hostname", i, "host name or address of " + who);
            indexed("pgpool_port", i, "client port of " + who);
            indexed("wd_port", i, "watchdog port of " + who);
        }
    }

    private void heartbeats() {
        int self = config.pgpoolNodeId();
        for (int i : config.heartbeatDestinations()) {
            boolean local = i == self;
            indexed("heartbeat_hostname", i, local ? "address this proxy receives heartbeats on"
                    : "address heartbeats to watchdog node " + i + " are sent to");
            indexed("heartbeat_device", i, local ? "interface heartbeats are received on"
                    : "interface heartbeats to watchdog node " + i + " leave from");
            indexed("heartbeat_port", i, local ? "UDP port heartbeats are received on"
                    : "UDP port of heartbeats to watchdog node " + i);
        }
    }

    private void cacheStatistics() {
        add("memqcache_stats_start_time", runtime.cacheStatisticsStart(), "when the query cache statistics began");
        add("memqcache_no_cache_hits", Long.toString(runtime.cacheMisses()), "SELECTs not answered from the cache");
        add("memqcache_cache_hits", Long.toString(runtime.cacheHits()), "SELECTs answered from the cache");
    }

    private void backends() {
        double total = config.backends().stream().mapToDouble(BackendDefinition::weight).sum();
        for (BackendDefinition b : config.backends()) {
            int id = b.id();
            add("backend_hostname" + id, b.hostname(), "host of backend " + id);
            add("backend_port" + id, Integer.toString(b.port()), "port of backend " + id);
            add("backend_weight" + id, String.format(Locale.ROOT, "%f", total > 0 ? b.weight() / total : 0.0),
                    "share of load-balanced reads of backend " + id);
            add("backend_data_directory" + id, b.dataDirectory(), "data directory of backend " + id);
            add("backend_status" + id, runtime.backendStatus(id), "status of backend " + id);
            add("standby_delay" + id, Long.toString(runtime.standbyDelay(id)), "replication delay of backend " + id);
            add("backend_flag" + id, b.flag().text(), "failover flags of backend " + id);
            add("backend_application_name" + id, b.applicationName(), "application_name of backend " + id);
        }
    }

    private void add(String item, String value, String description) {
        rows.add(new Row(truncate(item, MAX_ITEM_BYTES), truncate(value, MAX_VALUE_BYTES),
                truncate(description, MAX_DESCRIPTION_BYTES)));
    }

    /** Cuts to at most {@code maxBytes} of UTF-8 without splitting a character. */
    static String truncate(String text, int maxBytes) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
