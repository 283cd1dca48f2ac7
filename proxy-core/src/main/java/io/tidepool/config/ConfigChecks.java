package io.tidepool.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Checks that span several parameters, and the backend list. Decisions (documented for users in the
 * sample pgpool.conf):
 * <ul>
 *   <li>A backend slot N exists when {@code backend_hostnameN} or {@code backend_portN} is set.
 *       A host without port uses 5432 (pgpool-II would leave that slot unused: warned). A port
 *       without host connects through the Unix socket directory {@code /tmp}, as pgpool-II does.</li>
 *   <li>Other {@code backend_*N} or {@code health_check_*N} lines for a slot that does not exist are
 *       warned about and ignored.</li>
 *   <li>Two slots naming the same host and port are an error: the same server would be counted
 *       twice for load balancing and failover.</li>
 *   <li>No backend at all is not an error here: pgpool-II's packaged file has none, and tools
 *       (the console, pcp) read configurations without serving. The server calls
 *       {@link PgpoolConfig#requireBackends()} before it starts.</li>
 *   <li>{@code use_watchdog = on} needs this proxy's own watchdog slot (pgpool_node_id) to have a
 *       wd_port; {@code ssl = on} needs a certificate and a key; spare-process bounds must be
 *       ordered; reserved_connections must leave room for clients.</li>
 * </ul>
 */
final class ConfigChecks {

    private static final String[] BACKEND_PARTS = {
            "backend_hostname", "backend_port", "backend_weight", "backend_data_directory", "backend_flag",
            "backend_application_name"};
    private static final String[] HEALTH_CHECK_PARTS = {
            "health_check_period", "health_check_timeout", "health_check_user", "health_check_password",
            "health_check_database", "health_check_max_retries", "health_check_retry_delay", "connect_timeout"};
    private static final String DEFAULT_SOCKET_DIR = "/tmp";

    record Outcome(List<BackendDefinition> backends, List<ConfigProblem> errors, List<ConfigProblem> warnings) {
    }

    private final PgpoolConfig config;
    private final String label;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    private ConfigChecks(PgpoolConfig config, String label) {
        this.config = config;
        this.label = label;
    }

    static Outcome run(PgpoolConfig config, String label) {
        ConfigChecks checks = new ConfigChecks(config, label);
        List<BackendDefinition> backends = checks.backends();
        checks.watchdog();
        checks.ssl();
        checks.processes();
        checks.replicationDelay();
        return new Outcome(backends, checks.errors, checks.warnings);
    }

    private List<BackendDefinition> backends() {
        TreeSet<Integer> slots = new TreeSet<>();
        for (ConfigSetting s : config.settings().values()) {
            String name = s.parameter().name();
            if (name.equals("backend_hostname") || name.equals("backend_port")) {
                slots.add(s.index());
            }
        }
        for (ConfigSetting s : config.settings().values()) {
            String name = s.parameter().name();
            boolean backendPart = name.startsWith("backend_") || isHealthCheckPart(name);
            if (backendPart && s.index() >= 0 && !slots.contains(s.index())) {
                warn(s.key(), s.key() + " is ignored: backend " + s.index() + " has neither backend_hostname"
                        + s.index() + " nor backend_port" + s.index());
            }
        }
        List<BackendDefinition> result = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int id : slots) {
            String host = config.getString("backend_hostname" + id);
            if (!config.isSet("backend_port" + id)) {
                warn("backend_hostname" + id, "backend_port" + id + " is not set; using 5432"
                        + " (pgpool-II would leave backend " + id + " unused)");
            }
            if (host.isEmpty()) {
                warn("backend_port" + id, "backend_hostname" + id + " is empty; connecting through the Unix socket in "
                        + DEFAULT_SOCKET_DIR);
                host = DEFAULT_SOCKET_DIR;
            }
            int port = config.getInt("backend_port" + id);
            Integer twin = seen.putIfAbsent(host + ":" + port, id);
            if (twin != null) {
                error(config.isSet("backend_port" + id) ? "backend_port" + id : "backend_hostname" + id,
                        "backend " + id + " (" + host + ":" + port + ") is the same server as backend " + twin);
            }
            result.add(new BackendDefinition(id, host, port, config.getDouble("backend_weight" + id),
                    config.getString("backend_data_directory" + id),
                    BackendFlag.parse(config.getString("backend_flag" + id)),
                    config.getString("backend_application_name" + id)));
        }
        return result;
    }

    private static boolean isHealthCheckPart(String name) {
        for (String part : HEALTH_CHECK_PARTS) {
            if (part.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private void watchdog() {
        if (!config.getBoolean("use_watchdog")) {
            return;
        }
        int self = config.pgpoolNodeId();
        if (config.getInt("wd_port" + self) == 0) {
            error("use_watchdog", "use_watchdog is on but this proxy's watchdog node " + self
                    + " (from " + PgpoolConfig.PGPOOL_NODE_ID_FILE + ") has no wd_port" + self);
        }
        if (config.getOption("wd_lifecheck_method").name().equals("heartbeat")) {
            boolean anyHeartbeat = config.settings().values().stream()
                    .anyMatch(s -> s.parameter().name().equals("heartbeat_port") && ((Long) s.value()) != 0);
            if (!anyHeartbeat) {
                warn("wd_lifecheck_method", "wd_lifecheck_method is heartbeat but no heartbeat_portN is set");
            }
        }
    }

    private void ssl() {
        if (!config.getBoolean("ssl")) {
            return;
        }
        for (String file : new String[] {"ssl_cert", "ssl_key"}) {
            if (config.getString(file).isEmpty()) {
                error("ssl", "ssl is on but " + file + " is empty");
            }
        }
    }

    private void processes() {
        if (config.getOption("process_management_mode").name().equals("dynamic")
                && config.getInt("min_spare_children") > config.getInt("max_spare_children")) {
            error("min_spare_children", "min_spare_children (" + config.getInt("min_spare_children")
                    + ") is larger than max_spare_children (" + config.getInt("max_spare_children") + ")");
        }
        if (config.getInt("reserved_connections") >= config.getInt("num_init_children")) {
            error("reserved_connections", "reserved_connections (" + config.getInt("reserved_connections")
                    + ") leaves no room for clients: num_init_children is " + config.getInt("num_init_children"));
        }
    }

    private void replicationDelay() {
        if (config.getLong("delay_threshold") > 0 && config.getLong("delay_threshold_by_time") > 0) {
            warn("delay_threshold", "delay_threshold and delay_threshold_by_time are both set; "
                    + "delay_threshold_by_time is used");
        }
    }

    private void error(String key, String message) {
        errors.add(problem(key, message));
    }

    private void warn(String key, String message) {
        warnings.add(problem(key, message));
    }

    /** A problem located at the line that set {@code key}, else at the file. */
    private ConfigProblem problem(String key, String message) {
        Optional<ConfigSetting> setting = config.setting(key);
        return setting.map(s -> new ConfigProblem(s.file(), s.line(), message))
                .orElse(new ConfigProblem(label, 0, message));
    }
}
