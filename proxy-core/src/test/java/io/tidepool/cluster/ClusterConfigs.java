package io.tidepool.cluster;

import io.tidepool.config.PgpoolConfig;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pgpool.conf for a harness cluster, written to a directory and loaded the way the server loads it. */
public final class ClusterConfigs {

    private ClusterConfigs() {
    }

    /**
     * Backends = the cluster's nodes in order (with their data directories), checks as
     * {@code postgres}, status file in {@code dir}; {@code settings} add to or override that.
     */
    public static PgpoolConfig pgpoolConf(LocalCluster cluster, Path dir, Map<String, String> settings)
            throws IOException, io.tidepool.config.ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("backend_clustering_mode", "'streaming_replication'");
        List<LocalNode> nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            LocalNode node = nodes.get(i);
            values.put("backend_hostname" + i, quote(node.host()));
            values.put("backend_port" + i, Integer.toString(node.port()));
            values.put("backend_data_directory" + i, quote(node.dataDirectory().toString()));
        }
        values.put("health_check_user", quote(cluster.superuser()));
        values.put("health_check_password", quote(cluster.superuserPassword()));
        values.put("sr_check_user", quote(cluster.superuser()));
        values.put("sr_check_password", quote(cluster.superuserPassword()));
        values.put("work_dir", quote(dir.toString()));
        values.put("listen_addresses", "'127.0.0.1'");
        values.put("port", "0");
        values.put("unix_socket_directories", "''");
        values.put("pcp_listen_addresses", "'127.0.0.1'");
        values.put("pcp_port", "0");
        values.put("pcp_socket_dir", "''");
        values.put("search_primary_node_timeout", "30");
        settings.forEach((k, v) -> values.put(k, v));
        StringBuilder text = new StringBuilder("# written by a Tidepool test\n");
        values.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path file = dir.resolve("pgpool.conf");
        Files.writeString(file, text);
        return PgpoolConfig.load(file);
    }

    public static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
