package io.tidepool.app.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * The pgpool.conf of the demo, written into the demo folder on every start so that a user can
 * read it, and run the same proxy by hand with {@code ./tidepool proxy -n -f <folder>/pgpool.conf}.
 *
 * <p>Only what differs from the defaults is written. Clustering mode: {@code raw} (every
 * session goes to the first node that is up) until streaming-replication mode exists; then
 * the demo switches to {@code streaming_replication} so reads spread over the standbys.
 */
final class DemoConfig {
    /** One PostgreSQL node of the demo cluster. */
    record Node(String name, String host, int port, Path dataDirectory) {
    }

    private DemoConfig() {
    }

    static String render(List<Node> nodes, int port, Path folder) {
        StringBuilder conf = new StringBuilder();
        conf.append("# pgpool.conf of `tidepool demo`. Rewritten at every start of the demo: edit a copy.\n");
        conf.append("# Run this proxy by hand (after stopping the demo's): ./tidepool proxy -n -f ")
                .append(folder.resolve("pgpool.conf")).append("\n\n");
        conf.append("listen_addresses = '127.0.0.1'\n");
        conf.append("port = ").append(port).append('\n');
        conf.append("backend_clustering_mode = 'raw'\n");
        conf.append("num_init_children = 64\n\n");
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
}
