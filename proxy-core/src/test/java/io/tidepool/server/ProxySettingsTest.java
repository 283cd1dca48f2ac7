package io.tidepool.server;

import io.tidepool.backend.BackendNode;
import io.tidepool.config.PgpoolConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProxySettingsTest {

    private static Map<String, String> base() {
        Map<String, String> values = new HashMap<>();
        values.put("backend_hostname0", "127.0.0.1");
        values.put("backend_port0", "5432");
        values.put("backend_hostname1", "/var/run/postgresql");
        values.put("backend_port1", "5433");
        return values;
    }

    @Test
    void readsListenersBackendsAndSessionParametersFromPgpoolConf() throws Exception {
        Map<String, String> values = base();
        values.put("listen_addresses", "'127.0.0.1, ::1'");
        values.put("port", "6432");
        values.put("unix_socket_directories", "'/tmp,/run/tidepool'");
        values.put("unix_socket_permissions", "0770");
        values.put("num_init_children", "10");
        values.put("listen_backlog_multiplier", "3");
        values.put("connect_timeout", "2500");
        values.put("authentication_timeout", "30s");
        values.put("log_connections", "on");
        values.put("log_statement", "on");
        values.put("backend_clustering_mode", "'raw'");

        ProxySettings settings = ProxySettings.from(PgpoolConfig.fromMap(values));

        assertThat(settings.listenAddresses()).containsExactly("127.0.0.1", "::1");
        assertThat(settings.port()).isEqualTo(6432);
        assertThat(settings.unixSocketDirectories()).containsExactly(Path.of("/tmp"), Path.of("/run/tidepool"));
        assertThat(settings.unixSocketPermissions()).isEqualTo(0770);
        assertThat(settings.backlog()).isEqualTo(30);
        assertThat(settings.clusteringMode()).isEqualTo("raw");
        assertThat(settings.session().backends()).containsExactly(new BackendNode(0, "127.0.0.1", 5432),
                new BackendNode(1, "/var/run/postgresql", 5433));
        assertThat(settings.session().backends().get(1).isUnixSocket()).isTrue();
        assertThat(settings.session().connectTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(settings.session().authenticationTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.session().logConnections()).isTrue();
        assertThat(settings.session().logStatement()).isTrue();
        assertThat(settings.session().logDisconnections()).isFalse();
    }

    @Test
    void aChangedPortNeedsARestartAndLoggingDoesNot() throws Exception {
        Map<String, String> before = base();
        Map<String, String> after = base();
        after.put("port", "7000");
        after.put("log_statement", "on");
        ProxySettings old = ProxySettings.from(PgpoolConfig.fromMap(before));
        ProxySettings changed = ProxySettings.from(PgpoolConfig.fromMap(after));
        assertThat(old.restartNeededComparedTo(changed)).containsExactly("port");
        assertThat(old.restartNeededComparedTo(old)).isEmpty();
    }

    @Test
    void workerThreadsZeroMeansOnePerCoreAndAChangeNeedsARestart() throws Exception {
        Map<String, String> values = base();
        ProxySettings automatic = ProxySettings.from(PgpoolConfig.fromMap(values));
        values.put("worker_threads", "3");
        ProxySettings three = ProxySettings.from(PgpoolConfig.fromMap(values));

        assertThat(automatic.workerThreads()).isZero();
        assertThat(ProxyServer.workerLoops(automatic.workerThreads()))
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ProxyServer.workerLoops(three.workerThreads())).isEqualTo(3);
        assertThat(automatic.restartNeededComparedTo(three)).containsExactly("worker_threads");
    }

    @Test
    void connectTimeoutZeroMeansAMinute() throws Exception {
        Map<String, String> values = base();
        values.put("connect_timeout", "0");
        assertThat(ProxySettings.from(PgpoolConfig.fromMap(values)).session().connectTimeout())
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void loopbackSettingsServeTestsOnAnyFreePort() {
        ProxySettings settings = ProxySettings.loopback(0, List.of(new BackendNode(0, "127.0.0.1", 5432)));
        assertThat(settings.listenAddresses()).containsExactly("127.0.0.1");
        assertThat(settings.unixSocketDirectories()).isEmpty();
    }
}
