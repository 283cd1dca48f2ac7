package io.tidepool.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.admin.sql.AdminResult;
import io.tidepool.admin.sql.PoolAdminRows;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.harness.TestSshd;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgpool-II's own {@code pcp_recovery_node} (Debian's 4.3.5) against the running engine: the node
 * is rebuilt over SSH, attached, and shown up by {@code pcp_node_info} and {@code SHOW pool_nodes}.
 */
class EngineRecoveryIT {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "pcp-secret";

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    @TempDir
    Path dir;

    private static TestSshd sshd;
    private TidepoolEngine engine;
    private Map<String, String> env;

    @BeforeAll
    static void startSshd() {
        sshd = TestSshd.start();
        sshd.trustHostKey();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @AfterEach
    void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private void startEngine() throws Exception {
        Files.writeString(dir.resolve("pcp.conf"), USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n");
        Map<String, String> settings = new HashMap<>();
        RecoveryConfigs.settings(pg.cluster(), sshd).forEach((k, v) -> {
            if (!k.startsWith("backend_hostname") && !k.startsWith("backend_port") && !k.startsWith("backend_data")
                    && !k.equals("backend_clustering_mode")) {
                settings.put(k, k.startsWith("ssh_port") || k.equals("recovery_timeout") ? v : ClusterConfigs.quote(v));
            }
        });
        settings.putAll(Map.of("pcp_client_version", "'4.3'", "builtin_failover", "on", "health_check_period", "1",
                "health_check_max_retries", "1", "health_check_retry_delay", "1", "connect_timeout", "1000",
                "sr_check_period", "1"));
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, settings),
                TidepoolEngine.Options.defaults().withProxy(true));
        engine.start();
        Path pcppass = dir.resolve("pcppass");
        Files.writeString(pcppass, "*:*:" + USER + ":" + PASSWORD + "\n");
        Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
        env = new HashMap<>(Map.of("PCPPASSFILE", pcppass.toString(), "TZ", "UTC"));
    }

    private PgpoolTools.Result pcp(String tool, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(engine.pcpPort().orElseThrow()),
                "-U", USER, "-w"));
        all.addAll(List.of(args));
        return PgpoolTools.run(env, tool, all.toArray(String[]::new));
    }

    @Test
    void pcpRecoveryNodeRebuildsAStoppedStandbyAndAttachesIt() throws Exception {
        startEngine();
        pg.standby(2).stop(ShutdownMode.IMMEDIATE);
        await(Duration.ofSeconds(30), () -> engine.cluster().snapshot().nodes().get(2).status() == NodeStatus.DOWN);

        PgpoolTools.Result recovered = pcp("pcp_recovery_node", "-n", "2");

        assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
        assertThat(recovered.stdout()).isEqualTo("pcp_recovery_node -- Command Successful\n");
        pg.cluster().awaitStreaming(pg.primary(), List.of(pg.standby(2)));
        assertThat(pcp("pcp_node_info", "-n", "2").stdout()).contains(" up ").contains(" standby ");
        assertThat(poolNodesStatus(2)).isEqualTo("up");
        assertThat(engine.cluster().journal().events()).extracting(ClusterEvent::message)
                .anyMatch(m -> m.startsWith("recovery succeeded: node 2 recovered and attached"));
    }

    @Test
    void pcpRecoveryNodeBringsTheOldPrimaryBackAfterAFailover() throws Exception {
        startEngine();
        pg.primary().stop(ShutdownMode.IMMEDIATE);
        await(Duration.ofSeconds(60), () -> engine.cluster().snapshot().primaryId().orElse(-1) == 1);
        assertThat(engine.cluster().snapshot().nodes().get(0).status()).isEqualTo(NodeStatus.DOWN);

        PgpoolTools.Result recovered = pcp("pcp_recovery_node", "-n", "0");

        assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
        assertThat(pg.primary().isInRecovery()).isTrue();
        pg.cluster().awaitStreaming(pg.standby(1), List.of(pg.primary()));
        assertThat(pcp("pcp_node_info", "-n", "0").stdout()).contains(" up ");
        assertThat(poolNodesStatus(0)).isEqualTo("up");
    }

    @Test
    void recoveringAnUpNodeIsRefusedWithPgpoolsMessage() throws Exception {
        startEngine();

        PgpoolTools.Result refused = pcp("pcp_recovery_node", "-n", "1");

        assertThat(refused.stdout()).doesNotContain("Command Successful");
        assertThat(refused.stderr()).contains("node recovery failed, node id: 1 is alive");
    }

    /**
     * The status column of SHOW pool_nodes as the engine's row producer renders it (the proxy does
     * not intercept SHOW yet; once it does, ask through psql instead).
     */
    private String poolNodesStatus(int nodeId) {
        AdminResult nodes = PoolAdminRows.poolNodes(engine.cluster().snapshot(), OptionalInt.empty(), ZoneOffset.UTC);
        int status = nodes.columns().indexOf("status");
        return nodes.rows().get(nodeId).get(status);
    }

    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
