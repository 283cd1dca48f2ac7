package io.tidepool.ops.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.config.PgpoolConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSshSettingsTest {

    @TempDir
    Path dir;

    private PgpoolConfig load(String pgpoolConf, String tidepoolConf) throws Exception {
        Files.writeString(dir.resolve("pgpool.conf"), pgpoolConf);
        Files.writeString(dir.resolve("tidepool.conf"), tidepoolConf);
        return PgpoolConfig.load(dir.resolve("pgpool.conf"));
    }

    private static final String BACKENDS = """
            backend_hostname0 = 'db0.example'
            backend_port0 = 5432
            backend_hostname1 = 'db1.example'
            backend_port1 = 5433
            backend_hostname2 = '/var/run/postgresql'
            backend_port2 = 5434
            """;

    @Test
    void everyNodeDefaultsToItsBackendHostAndThePostgresUserOnPort22() throws Exception {
        PgpoolConfig config = load(BACKENDS, "ssh_identity_file = 'keys/id_ed25519'\n");

        SshSettings node1 = NodeSshSettings.forNode(config, config.backends().get(1));

        assertThat(node1.endpoint()).isEqualTo(new SshEndpoint("db1.example", 22, "postgres"));
        assertThat(node1.credentials().identityFiles()).containsExactly(dir.resolve("keys/id_ed25519"));
        assertThat(node1.credentials().passphrase()).isEmpty();
        assertThat(node1.credentials().password()).isEmpty();
        assertThat(node1.knownHosts()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
        assertThat(node1.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(node1.sudoUser()).isEmpty();
    }

    @Test
    void aSocketDirectoryBackendIsThisMachine() throws Exception {
        PgpoolConfig config = load(BACKENDS, "ssh_identity_file = 'id'\n");

        assertThat(NodeSshSettings.forNode(config, config.backends().get(2)).endpoint().host()).isEqualTo("localhost");
    }

    @Test
    void perNodeSettingsOverrideTheDefaultsForEveryNode() throws Exception {
        PgpoolConfig config = load(BACKENDS, """
                ssh_port = 2222
                ssh_user = 'admin'
                ssh_identity_file = '/etc/tidepool/id_all'
                ssh_known_hosts_file = 'known_hosts'
                ssh_connect_timeout = 3
                ssh_host1 = 'bastion-db1.example'
                ssh_port1 = 22022
                ssh_user1 = 'pgadmin'
                ssh_identity_file1 = '~/keys/db1'
                ssh_identity_passphrase1 = 'open sesame'
                ssh_sudo_user1 = 'postgres'
                """);

        SshSettings node0 = NodeSshSettings.forNode(config, config.backends().get(0));
        SshSettings node1 = NodeSshSettings.forNode(config, config.backends().get(1));

        assertThat(node0.endpoint()).isEqualTo(new SshEndpoint("db0.example", 2222, "admin"));
        assertThat(node0.credentials().identityFiles()).containsExactly(Path.of("/etc/tidepool/id_all"));
        assertThat(node0.knownHosts()).isEqualTo(dir.resolve("known_hosts"));
        assertThat(node0.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(node1.endpoint()).isEqualTo(new SshEndpoint("bastion-db1.example", 22022, "pgadmin"));
        assertThat(node1.credentials().identityFiles())
                .containsExactly(Path.of(System.getProperty("user.home"), "keys", "db1"));
        assertThat(node1.credentials().passphrase()).contains("open sesame");
        assertThat(node1.sudoUser()).contains("postgres");
        assertThat(node1.wrap("pg_ctl status")).isEqualTo("sudo -n -u postgres -- /bin/sh -c 'pg_ctl status'");
    }

    @Test
    void aPasswordAloneIsEnough() throws Exception {
        withHome(dir.resolve("home"), () -> {
            PgpoolConfig config = PgpoolConfig.fromMap(Map.of("backend_hostname0", "db0", "ssh_password", "pw"));
            SshSettings settings = NodeSshSettings.forNode(config, config.backends().get(0));

            assertThat(settings.credentials().identityFiles()).isEmpty();
            assertThat(settings.credentials().password()).contains("pw");
            assertThat(settings.credentials().toString()).doesNotContain("pw,").contains("password=*****");
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with {@code user.home} pointing at an empty directory (no ~/.ssh keys). */
    private static void withHome(Path home, Body body) throws Exception {
        Files.createDirectories(home);
        String saved = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            body.run();
        } finally {
            System.setProperty("user.home", saved);
        }
    }

    @Test
    void nothingToLogInWithNamesTheSettingToSet() throws Exception {
        PgpoolConfig config = load(BACKENDS, "");
        withHome(dir.resolve("home"), () -> assertThatThrownBy(() -> NodeSshSettings.forNode(config, config.backends().get(1)))
                .hasMessageContaining("ssh_identity_file1"));
    }

    @Test
    void secretsAreHiddenFromShowValues() throws Exception {
        PgpoolConfig config = load(BACKENDS, "ssh_identity_passphrase = 'x'\nssh_password = 'y'\n");

        assertThat(config.showValue("ssh_identity_passphrase")).isEqualTo("*****");
        assertThat(config.showValue("ssh_password")).isEqualTo("*****");
        assertThat(Optional.of(config.getString("ssh_password"))).contains("y");
    }
}
