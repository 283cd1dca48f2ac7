package io.tidepool.recovery;

import io.tidepool.config.ConfigException;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** pgpool.conf + tidepool.conf settings for a harness cluster whose hosts are reached through a {@link TestSshd}. */
final class RecoveryConfigs {

    private RecoveryConfigs() {
    }

    static Map<String, String> settings(LocalCluster cluster, TestSshd sshd) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("backend_clustering_mode", "streaming_replication");
        List<LocalNode> nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            addBackend(values, i, nodes.get(i).port(), nodes.get(i).dataDirectory(), nodes.get(i).name());
        }
        values.put("recovery_user", cluster.superuser());
        values.put("recovery_password", cluster.superuserPassword());
        values.put("recovery_timeout", "60");
        values.put("recovery_replication_user", cluster.replicationUser());
        values.put("recovery_replication_password", cluster.replicationPassword());
        values.put("ssh_port", Integer.toString(sshd.port()));
        values.put("ssh_user", sshd.user());
        values.put("ssh_identity_file", sshd.clientKey().toString());
        values.put("ssh_known_hosts_file", sshd.knownHosts().toString());
        return values;
    }

    static void addBackend(Map<String, String> values, int id, int port, Path dataDirectory, String applicationName) {
        values.put("backend_hostname" + id, LocalNode.HOST);
        values.put("backend_port" + id, Integer.toString(port));
        values.put("backend_data_directory" + id, dataDirectory.toString());
        values.put("backend_application_name" + id, applicationName);
    }

    static PgpoolConfig config(Map<String, String> values) {
        try {
            return PgpoolConfig.fromMap(values);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
