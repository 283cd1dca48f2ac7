package io.tidepool.app.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * The pgpool.conf of the demo, written into the demo folder on every start so that a user can
 * read it, and run the same proxy by hand with {@code ./tidepool proxy -n -f <folder>/pgpool.conf}.
 *
 * <p>Only what differs from the defaults is written. Clustering mode {@code streaming_replication}
 * with short health-check and replication-check periods, so a node stopped by hand turns down in
 * seconds; Tidepool's own {@code builtin_failover} (in {@code tidepool.conf}, which pgpool-II does
 * not read) promotes and re-points standbys over SQL, so failover and promote work with no scripts.
 */
final class DemoConfig {
    /** One PostgreSQL node of the demo cluster. */
    record Node(String name, String host, int port, Path dataDirectory) {
    }

    private DemoConfig() {
    }

    /** Tidepool's own settings, written to {@code tidepool.conf} beside pgpool.conf. */
    static String renderTidepoolConf() {
        return "# tidepool.conf of `tidepool demo`: Tidepool's settings that pgpool-II does not know.\n"
                + "# Promote with pg_promote() and re-point standbys over SQL, with no failover scripts.\n"
                + "builtin_failover = on\n";
    }

    /**
     * @param user     the account of the health and replication checks (and the built-in failover)
     * @param password its password (the demo's superuser password, printed in the banner anyway)
     */
    static String render(List<Node> nodes, int port, Path folder, String user, String password) {
        StringBuilder conf = new StringBuilder();
        conf.append("# pgpool.conf of `tidepool demo`. Rewritten at every start of the demo: edit a copy.\n");
        conf.append("# Run this proxy by hand (after stopping the demo's): ./tidepool proxy -n -f ")
                .append(folder.resolve("pgpool.conf")).append("\n\n");
        conf.append("listen_addresses = '127.0.0.1'\n");
        conf.append("port = ").append(port).append('\n');
        conf.append("backend_clustering_mode = 'streaming_replication'\n");
        conf.append("num_init_children = 64\n\n");
        conf.append("health_check_period = 2\n");
        conf.append("health_check_timeout = 5\n");
        conf.append("health_check_max_retries = 2\n");
        conf.append("health_check_retry_delay = 1\n");
        conf.append("connect_timeout = 2000\n");
        conf.append("health_check_user = '").append(quote(user)).append("'\n");
        conf.append("health_check_password = '").append(quote(password)).append("'\n");
        conf.append("sr_check_period = 2\n");
        conf.append("sr_check_user = '").append(quote(user)).append("'\n");
        conf.append("sr_check_password = '").append(quote(password)).append("'\n");
        conf.append("search_primary_node_timeout = 30\n\n");
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            conf.append("backend_hostname").append(i).append(" = '").append(node.host()).append("'\n");
            conf.append("backend_port").append(i).append(" = ").append(node.port()).append('\n');
            conf.append("backend_weight").append(i).append(" = 1\n");
            conf.append("backend_data_directory").append(i).append(" = '").append(node.dataDirectory()).append("'\n");
            conf.append("backend_flag").append(i).append(" = 'ALLOW_TO_FAILOVER'\n");
            conf.append("backend_application_name").append(i).append(" = '").append(node.name()).append("'\n\n");
        }
        conf.append("unix_socket_directories = '").append(folder.resolve("run")).append("'\n");
        conf.append("pid_file_name = '").append(folder.resolve("run/tidepool.pid")).append("'\n");
        conf.append("work_dir = '").append(folder.resolve("run")).append("'\n");
        conf.append("logging_collector = on\n");
        conf.append("log_directory = '").append(folder.resolve("log")).append("'\n");
        conf.append("log_filename = 'tidepool-%Y-%m-%d.log'\n");
        conf.append("log_connections = on\n");
        return conf.toString();
    }

    private static String quote(String value) {
        return value.replace("'", "''");
    }
}
