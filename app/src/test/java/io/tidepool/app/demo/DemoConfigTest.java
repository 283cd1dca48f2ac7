package io.tidepool.app.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DemoConfigTest {
    private static final Path FOLDER = Path.of("/home/alice/.local/share/tidepool/demo");

    private static String render() {
        return DemoConfig.render(List.of(
                new DemoConfig.Node("node0", "127.0.0.1", 40001, FOLDER.resolve("cluster/node0")),
                new DemoConfig.Node("node1", "127.0.0.1", 40002, FOLDER.resolve("cluster/node1")),
                new DemoConfig.Node("node2", "127.0.0.1", 40003, FOLDER.resolve("cluster/node2"))), 9999, FOLDER, "postgres", "it's secret");
    }

    @Test
    void listensOnLoopbackAtTheChosenPort() {
        assertThat(render()).contains("listen_addresses = '127.0.0.1'\n", "port = 9999\n");
    }

    @Test
    void declaresEveryNodeAsABackendInOrder() {
        assertThat(render()).contains(
                "backend_hostname0 = '127.0.0.1'\nbackend_port0 = 40001\n",
                "backend_port1 = 40002\n",
                "backend_port2 = 40003\n",
                "backend_data_directory2 = '" + FOLDER.resolve("cluster/node2") + "'\n",
                "backend_application_name1 = 'node1'\n");
        assertThat(render()).doesNotContain("backend_port3");
    }

    @Test
    void runsInStreamingReplicationWithChecksAsTheSuperuser() {
        assertThat(render()).contains("backend_clustering_mode = 'streaming_replication'\n",
                "health_check_period = 2\n", "sr_check_period = 2\n",
                "health_check_user = 'postgres'\n", "sr_check_password = 'it''s secret'\n");
    }

    @Test
    void tidepoolConfTurnsTheBuiltinFailoverOn() {
        assertThat(DemoConfig.renderTidepoolConf()).contains("builtin_failover = on\n");
    }

    @Test
    void keepsRunAndLogFilesInsideTheDemoFolder() {
        assertThat(render()).contains(
                "pid_file_name = '" + FOLDER.resolve("run/tidepool.pid") + "'\n",
                "work_dir = '" + FOLDER.resolve("run") + "'\n",
                "unix_socket_directories = '" + FOLDER.resolve("run") + "'\n",
                "logging_collector = on\n",
                "log_directory = '" + FOLDER.resolve("log") + "'\n");
    }
}
