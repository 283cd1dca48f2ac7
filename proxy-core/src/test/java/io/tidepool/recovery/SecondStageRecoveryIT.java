package io.tidepool.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.Cancellation;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.ops.local.ServerUser;
import io.tidepool.ops.ssh.SshConnection;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native replication's second stage in the running engine (spec 3.2): the recovery waits until
 * every client session of the proxy has ended, and {@code client_idle_limit_in_recovery} decides
 * what happens to idle ones. Script mode with our {@code assets/scripts}, driven by pgpool-II's
 * {@code pcp_recovery_node}; the idle client is a pgJDBC connection through the engine's proxy.
 */
class SecondStageRecoveryIT {

    private static final Path SCRIPTS = Path.of("..", "assets", "scripts").toAbsolutePath().normalize();
    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "pcp-secret";

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(1);

    @TempDir
    Path dir;

    private static TestSshd sshd;
    private static Path scriptSsh;
    private TidepoolEngine engine;
    private Map<String, String> env;

    @BeforeAll
    static void startSshd() throws Exception {
        sshd = TestSshd.start();
        sshd.trustHostKey();
        scriptSsh = sshd.clientFilesForServerUser();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void installScriptsInThePrimary() throws Exception {
        String data = pg.primary().dataDirectory().toString();
        String scriptEnv = "SSH_OPTIONS=\"-p " + sshd.port() + " -i " + scriptSsh.resolve("id_ed25519")
                + " -o UserKnownHostsFile=" + scriptSsh.resolve("known_hosts") + "\"\n"
                + "REPLICATION_USER=" + pg.cluster().replicationUser() + "\n"
                + "REPLICATION_PASSWORD=" + pg.cluster().replicationPassword() + "\n"
                + "APPLICATION_NAME_PREFIX=node\n";
        try (SshConnection ssh = SshConnection.open(sshd.settings())) {
            for (String script : List.of("recovery_1st_stage", "pgpool_remote_start")) {
                ssh.upload(SCRIPTS.resolve(script), data + "/" + script, 0755, Duration.ofSeconds(30), Cancellation.none());
            }
            ssh.upload(scriptEnv.getBytes(), data + "/recovery_scripts.env", 0644, Duration.ofSeconds(30), Cancellation.none());
        }
    }

    @AfterEach
    void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private void startEngine(String idleLimit, String recoveryTimeout) throws Exception {
        Files.writeString(dir.resolve("pcp.conf"), USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n");
        Map<String, String> settings = new HashMap<>();
        RecoveryConfigs.settings(pg.cluster(), sshd).forEach((k, v) -> {
            if (!k.startsWith("backend_") && !k.equals("recovery_timeout")) {
                settings.put(k, k.startsWith("ssh_port") ? v : ClusterConfigs.quote(v));
            }
        });
        settings.putAll(Map.of("backend_clustering_mode", "'native_replication'",
                "recovery_1st_stage_command", "'recovery_1st_stage'", "recovery_timeout", recoveryTimeout,
                "client_idle_limit_in_recovery", idleLimit, "pcp_client_version", "'4.3'",
                "health_check_period", "1", "health_check_max_retries", "2", "health_check_retry_delay", "1",
                "connect_timeout", "10000"));
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, settings),
                TidepoolEngine.Options.defaults().withProxy(true));
        engine.start();
        Path pcppass = dir.resolve("pcppass");
        Files.writeString(pcppass, "*:*:" + USER + ":" + PASSWORD + "\n");
        Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
        env = new HashMap<>(Map.of("PCPPASSFILE", pcppass.toString(), "TZ", "UTC"));
        pg.standby(1).stop(ShutdownMode.IMMEDIATE);
        Await.until(Duration.ofSeconds(30), () ->
                engine.cluster().snapshot().nodes().get(1).status() == NodeStatus.DOWN);
    }

    @Test
    void minusOneEndsIdleClientsAtOnceSoTheSecondStageGoesOn() throws Exception {
        startEngine("-1", "60");
        try (Connection idle = PgClients.jdbc(throughProxy()); Statement s = idle.createStatement()) {
            assertThat(one(s)).isEqualTo(1);

            PgpoolTools.Result recovered = pcp("pcp_recovery_node", "-n", "1");

            assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
            assertThatThrownBy(() -> one(s)).as("the idle client was disconnected").isInstanceOf(SQLException.class);
        }
        assertThat(engine.cluster().snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.UP);
        assertThat(engine.cluster().journal().events()).filteredOn(e -> e.kind() == ClusterEvent.Kind.RECOVERY_STEP)
                .anyMatch(e -> e.message().contains("done") && e.message().contains("wait until every client session has ended"));
        try (Connection after = PgClients.jdbc(throughProxy()); Statement s = after.createStatement()) {
            assertThat(one(s)).as("new sessions are served again").isEqualTo(1);
        }
    }

    @Test
    void withoutTheLimitAnIdleClientKeepsItsSessionAndTheRecoveryTimesOut() throws Exception {
        startEngine("0", "5");
        // A client that arrives once the first stage is done waits for the second stage to end.
        CompletableFuture<Instant> latecomer = CompletableFuture.supplyAsync(() -> {
            try {
                Await.until(Duration.ofMinutes(2), () -> engine.cluster().journal().events().stream()
                        .anyMatch(e -> e.message().contains("run recovery_1st_stage_command")));
                try (Connection late = PgClients.jdbc(throughProxy()); Statement ls = late.createStatement()) {
                    one(ls);
                    return Instant.now();
                }
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try (Connection idle = PgClients.jdbc(throughProxy()); Statement s = idle.createStatement()) {
            assertThat(one(s)).isEqualTo(1);

            PgpoolTools.Result refused = pcp("pcp_recovery_node", "-n", "1");

            // pgpool-II's pcp tools exit 0 after an ERROR; the answer is on stderr.
            assertThat(refused.stdout()).doesNotContain("Command Successful");
            assertThat(refused.stderr()).startsWith("ERROR:  node recovery failed at step 3 of 7")
                    .contains("waiting connection closed in the other pgpools timeout");
            assertThat(one(s)).as("the idle client still works").isEqualTo(1);
        }
        assertThat(engine.cluster().snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.DOWN);
        assertThat(engine.cluster().journal().events()).anyMatch(e -> e.kind() == ClusterEvent.Kind.RECOVERY_FAILED);
        // The drain's failure is journaled before the hold ends: a latecomer served earlier did not wait.
        ClusterEvent drainFailed = engine.cluster().journal().events().stream()
                .filter(e -> e.kind() == ClusterEvent.Kind.RECOVERY_STEP && e.message().contains("failed: wait until"))
                .findFirst().orElseThrow();
        assertThat(latecomer.get(60, TimeUnit.SECONDS)).as("the latecomer was served once the hold ended")
                .isAfterOrEqualTo(drainFailed.at());
        try (Connection after = PgClients.jdbc(throughProxy()); Statement s = after.createStatement()) {
            assertThat(one(s)).as("new sessions are served again after the failure").isEqualTo(1);
        }
    }

    private static int one(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("select 1")) {
            r.next();
            return r.getInt(1);
        }
    }

    private PgEndpoint throughProxy() {
        return pg.primary().endpoint().withAddress("127.0.0.1", engine.proxy().orElseThrow().tcpAddress().getPort());
    }

    private PgpoolTools.Result pcp(String tool, String... args) {
        List<String> all = new ArrayList<>(List.of(PgpoolTools.locate(tool).toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(engine.pcpPort().orElseThrow()), "-U", USER, "-w"));
        all.addAll(List.of(args));
        CommandResult result = ExternalCommand.of(all).env(env).timeout(Duration.ofMinutes(5)).run();
        return new PgpoolTools.Result(result.exitCode(), result.stdout(), result.stderr());
    }
}
