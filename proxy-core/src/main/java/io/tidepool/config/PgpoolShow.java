package io.tidepool.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code PGPOOL SHOW <name>} answers over a configuration (spec 2.3):
 * <ul>
 *   <li>a plain parameter, or one element of an array ({@code backend_hostname1}): one column
 *       named as asked, one row with the value ({@link Value});</li>
 *   <li>an array without index ({@code backend_hostname}, {@code health_check_period}): rows
 *       {@code item, value, description}, the index-free default first when the parameter has
 *       one, then one row per configured element ({@link Table});</li>
 *   <li>a group ({@code backend}, {@code watchdog}, {@code heartbeat}, {@code health_check}):
 *       its members' index-free defaults, then all members of element 0, of element 1, ...;</li>
 *   <li>{@code all}: the four groups, then every other parameter in catalog order, arrays
 *       expanded.</li>
 * </ul>
 * Values as {@link PgpoolConfig#showValue} prints them (passwords {@code *****}). The configured
 * elements of an array are the backends for per-node parameters, the watchdog nodes for
 * {@code hostname}/{@code pgpool_port}/{@code wd_port} and the heartbeat destinations for
 * {@code heartbeat_*}.
 */
public final class PgpoolShow {

    /** An answer to one {@code PGPOOL SHOW}. */
    public sealed interface Answer permits Value, Table {
    }

    /** One column named {@code column}, one row. */
    public record Value(String column, String value) implements Answer {
    }

    /** Columns {@code item, value, description}. */
    public record Table(List<Row> rows) implements Answer {
        public Table {
            rows = List.copyOf(rows);
        }
    }

    public record Row(String item, String value, String description) {
    }

    /** The group views, members in the order pgpool-II lists them. */
    static final Map<String, List<String>> GROUPS = groups();

    private static final Set<String> WATCHDOG_NODE_ARRAYS = Set.of("hostname", "pgpool_port", "wd_port");
    private static final Set<String> HEARTBEAT_ARRAYS = Set.of("heartbeat_device", "heartbeat_hostname", "heartbeat_port");

    private PgpoolShow() {
    }

    private static Map<String, List<String>> groups() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("backend", List.of("backend_hostname", "backend_port", "backend_weight", "backend_data_directory",
                "backend_application_name", "backend_flag"));
        g.put("watchdog", List.of("hostname", "pgpool_port", "wd_port"));
        g.put("heartbeat", List.of("heartbeat_device", "heartbeat_hostname", "heartbeat_port"));
        g.put("health_check", List.of("health_check_period", "health_check_timeout", "health_check_user",
                "health_check_password", "health_check_database", "health_check_max_retries",
                "health_check_retry_delay", "connect_timeout"));
        return java.util.Collections.unmodifiableMap(g);
    }

    /** The answer for {@code name} (lower-case, as parsed); empty when no parameter or group has that name. */
    public static Optional<Answer> of(PgpoolConfig config, String name) {
        if (name.equals("all")) {
            return Optional.of(new Table(all(config)));
        }
        List<String> group = GROUPS.get(name);
        if (group != null) {
            return Optional.of(new Table(group(config, group)));
        }
        Optional<Parameter> named = config.catalog().find(name);
        if (named.isPresent()) {
            Parameter p = named.get();
            return Optional.of(p.isIndexed() ? new Table(array(config, p)) : new Value(name, config.showValue(name)));
        }
        if (config.catalog().resolve(name) instanceof ParameterCatalog.Known known) {
            return Optional.of(new Value(name, config.showValue(known.key()))); // one element: backend_port1
        }
        return Optional.empty();
    }

    private static List<Row> all(PgpoolConfig config) {
        List<Row> rows = new ArrayList<>();
        Set<String> grouped = new java.util.HashSet<>();
        for (List<String> members : GROUPS.values()) {
            rows.addAll(group(config, members));
            grouped.addAll(members);
        }
        for (Parameter p : config.catalog().all()) {
            if (grouped.contains(p.name())) {
                continue;
            }
            if (p.isIndexed()) {
                rows.addAll(array(config, p));
            } else {
                rows.add(row(config, p, p.name()));
            }
        }
        return rows;
    }

    private static List<Row> group(PgpoolConfig config, List<String> members) {
        List<Row> rows = new ArrayList<>();
        List<Parameter> parameters = members.stream().map(config.catalog()::get).toList();
        for (Parameter p : parameters) {
            if (p.indexing() == Parameter.Indexing.OPTIONAL) {
                rows.add(row(config, p, p.name()));
            }
        }
        for (int i : elements(config, parameters.get(0))) {
            for (Parameter p : parameters) {
                rows.add(row(config, p, p.name() + i));
            }
        }
        return rows;
    }

    private static List<Row> array(PgpoolConfig config, Parameter p) {
        List<Row> rows = new ArrayList<>();
        if (p.indexing() == Parameter.Indexing.OPTIONAL) {
            rows.add(row(config, p, p.name()));
        }
        for (int i : elements(config, p)) {
            rows.add(row(config, p, p.name() + i));
        }
        return rows;
    }

    /** The configured elements of an array parameter. */
    private static List<Integer> elements(PgpoolConfig config, Parameter p) {
        if (WATCHDOG_NODE_ARRAYS.contains(p.name())) {
            return config.watchdogNodeIds();
        }
        if (HEARTBEAT_ARRAYS.contains(p.name())) {
            return config.heartbeatDestinations();
        }
        return config.backends().stream().map(BackendDefinition::id).toList();
    }

    private static Row row(PgpoolConfig config, Parameter p, String key) {
        return new Row(key, config.showValue(key), p.description());
    }
}
