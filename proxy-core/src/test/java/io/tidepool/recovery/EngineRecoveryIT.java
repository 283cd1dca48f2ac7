package io.tidepool.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online recovery through the running engine, as an operator drives it: pgpool-II's own
 * {@code pcp_recovery_node} and {@code pcp_reload_config} (Debian's 4.3.5) against the engine's PCP
 * port, the engine's own health checks and built-in failover, every host reached through a real
 * sshd, and {@code SHOW pool_nodes} asked over SQL through the engine's proxy. The cluster is a
 * primary and one standby, new for each test; Tidepool's own settings are in tidepool.conf next
 * to pgpool.conf, as in production.
 */
class EngineRecoveryIT {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "pcp-secret";

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(1);

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

    /** pgpool.conf with the cluster's backends and {@code pgpool}; tidepool.conf with SSH, recovery and {@code tidepool}. */
    private void startEngine(Map<String, String> pgpool, Map<String, String> tidepool) throws Exception {
        Files.writeString(dir.resolve("pcp.conf"), USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n");
        Map<String, String> tidepoolConf = new LinkedHashMap<>();
        Map<String, String> pgpoolConf = new HashMap<>();
        RecoveryConfigs.settings(pg.cluster(), sshd).forEach((k, v) -> {
            String value = k.startsWith("ssh_port") || k.equals("recovery_timeout") ? v : ClusterConfigs.quote(v);
            if (k.startsWith("ssh_") || k.startsWith("recovery_replication_")) {
                tidepoolConf.put(k, value);
            } else if (k.startsWith("recovery_") || k.startsWith("backend_application_name")) {
                pgpoolConf.put(k, value);
            }
        });
        tidepoolConf.putAll(Map.of("pcp_client_version", "'4.3'", "builtin_failover", "on"));
        tidepoolConf.putAll(tidepool);
        // Quick detection, but patient enough that a loaded test machine does not fail over a healthy primary.
        pgpoolConf.putAll(Map.of("health_check_period", "1", "health_check_max_retries", "3",
                "health_check_retry_delay", "1", "connect_timeout", "10000", "sr_check_period", "1"));
        pgpoolConf.putAll(pgpool);
        StringBuilder text = new StringBuilder("# Tidepool's own settings, written by a test\n");
        tidepoolConf.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(dir.resolve(PgpoolConfig.TIDEPOOL_CONF), text);
        PgpoolConfig config = ClusterConfigs.pgpoolConf(pg.cluster(), dir, pgpoolConf);
        assertThat(config.getString("ssh_known_hosts_file")).as("read from tidepool.conf").isEqualTo(sshd.knownHosts().toString());
        engine = new TidepoolEngine(config, TidepoolEngine.Options.defaults().withProxy(true));
        engine.start();
        Path pcppass = dir.resolve("pcppass");
        Files.writeString(pcppass, "*:*:" + USER + ":" + PASSWORD + "\n");
        Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
        env = new HashMap<>(Map.of("PCPPASSFILE", pcppass.toString(), "TZ", "UTC"));
    }

    /** A pgpool-II pcp tool against the engine; up to 5 minutes (a recovery replies when it has finished). */
    private PgpoolTools.Result pcp(String tool, String... args) {
        List<String> all = new ArrayList<>(List.of(PgpoolTools.locate(tool).toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(engine.pcpPort().orElseThrow()), "-U", USER, "-w"));
        all.addAll(List.of(args));
        CommandResult result = ExternalCommand.of(all).env(env).timeout(Duration.ofMinutes(5)).run();
        return new PgpoolTools.Result(result.exitCode(), result.stdout(), result.stderr());
    }

    // ---------------------------------------------------------------- the recoveries

    @Test
    void afterAFailoverTheOldPrimaryRejoinsAsStandbyOfTheNewPrimaryThroughPgRewind() throws Exception {
        startEngine(Map.of(), Map.of());
        pg.primary().execute("create table before_failover (id int)");
        pg.cluster().awaitCaughtUp();
        pg.primary().stop(ShutdownMode.IMMEDIATE);
        Await.until(Duration.ofSeconds(60), () -> engine.cluster().snapshot().primaryId().orElse(-1) == 1);
        assertThat(poolNodes().get(0).status()).isEqualTo("down");
        pg.standby(1).execute("create table after_failover (id int)");

        PgpoolTools.Result recovered = pcp("pcp_recovery_node", "-n", "0");

        assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
        assertThat(recovered.stdout()).isEqualTo("pcp_recovery_node -- Command Successful\n");
        assertThat(recoveryStart(0).message()).contains("(pg_rewind)");
        assertThat(journal(ClusterEvent.Kind.RECOVERY_STEP)).noneMatch(e -> e.message().contains("trying pg_basebackup"));
        assertStreamsAttachedAndUp(0, pg.primary(), pg.standby(1));
        assertThat(pg.primary().queryValue("select count(*) from pg_class where relname = 'after_failover'")).contains("1");
    }

    @Test
    void afterAFailoverTheOldPrimaryIsRebuiltWithPgBasebackupWhenRewindIsImpossible() throws Exception {
        // pg_rewind needs wal_log_hints or checksums on the rewound server: turn them off there.
        pg.primary().execute("ALTER SYSTEM SET wal_log_hints = off");
        pg.primary().restart();
        pg.cluster().awaitStreaming();
        startEngine(Map.of(), Map.of());
        pg.primary().stop(ShutdownMode.IMMEDIATE);
        Await.until(Duration.ofSeconds(60), () -> engine.cluster().snapshot().primaryId().orElse(-1) == 1);
        pg.standby(1).execute("create table after_failover (id int)");

        PgpoolTools.Result recovered = pcp("pcp_recovery_node", "-n", "0");

        assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
        ClusterEvent started = recoveryStart(0);
        assertThat(started.message()).contains("(pg_basebackup)");
        assertThat(started.detail()).contains("wal_log_hints");
        assertStreamsAttachedAndUp(0, pg.primary(), pg.standby(1));
        assertThat(RecoveryIT.leftoversNextTo(pg.primary().dataDirectory())).as("old directory removed after success").isEmpty();
    }

    @Test
    void aStandbyWhoseDataDirectoryWasDeletedIsRebuilt() throws Exception {
        startEngine(Map.of(), Map.of());
        LocalNode standby = pg.standby(1);
        standby.stop(ShutdownMode.IMMEDIATE);
        RecoveryIT.deleteTree(standby.dataDirectory());
        pg.primary().execute("create table while_away (id int)");
        Await.until(Duration.ofSeconds(30), () ->
                engine.cluster().snapshot().nodes().get(1).status() == NodeStatus.DOWN);

        PgpoolTools.Result recovered = pcp("pcp_recovery_node", "-n", "1");

        assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
        assertThat(recoveryStart(1).message()).contains("(pg_basebackup)");
        assertStreamsAttachedAndUp(1, standby, pg.primary());
        assertThat(standby.queryValue("select count(*) from pg_class where relname = 'while_away'")).contains("1");
    }

    /**
     * The seeds' way of growing a cluster: a {@code backend_*2} block appended to pgpool.conf,
     * {@code pcp_reload_config}, the new node shown down, then {@code pcp_recovery_node} builds it,
     * and the proxy sends reads to it.
     */
    @Test
    void aBrandNewNodeAddedByReloadIsBuiltAttachedAndServesReads() throws Exception {
        // Reads go to standbys only, chosen per statement, so one session shows where they land.
        startEngine(Map.of("backend_weight0", "0", "statement_level_load_balance", "on"), Map.of());
        assertThat(poolNodes()).hasSize(2);
        int port = RecoveryIT.freePort();
        Path data = pg.cluster().baseDirectory().resolve("node2").resolve("data");
        Files.writeString(dir.resolve("pgpool.conf"), String.join("\n",
                "# node 2, added while running",
                "backend_hostname2 = '" + LocalNode.HOST + "'",
                "backend_port2 = " + port,
                "backend_weight2 = 1",
                "backend_data_directory2 = '" + data + "'",
                "backend_application_name2 = 'node2'",
                ""), StandardOpenOption.APPEND);

        PgpoolTools.Result reloaded = pcp("pcp_reload_config");

        assertThat(reloaded.exitCode()).as(reloaded.stderr()).isZero();
        assertThat(poolNodes()).hasSize(3);
        assertThat(poolNodes().get(2).status()).isEqualTo("down");

        PgpoolTools.Result recovered = pcp("pcp_recovery_node", "-n", "2");

        assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
        assertThat(recoveryStart(2).message()).contains("(pg_basebackup)");
        Await.until(Duration.ofSeconds(60), () -> pg.primary()
                .queryValue("select state from pg_stat_replication where application_name = 'node2'")
                .orElse("").equals("streaming"));
        PgEndpoint newNode = pg.primary().endpoint().withAddress(LocalNode.HOST, port);
        try (Connection c = PgClients.jdbc(newNode); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select pg_is_in_recovery()")) {
            r.next();
            assertThat(r.getBoolean(1)).isTrue();
        }
        assertThat(engine.cluster().snapshot().nodes().get(2).status()).isEqualTo(NodeStatus.UP);
        PoolNode shown = poolNodes().get(2);
        assertThat(shown.status()).isEqualTo("up");
        assertThat(shown.role()).isEqualTo("standby");
        Set<Integer> readFrom = new HashSet<>();
        try (Connection c = PgClients.jdbc(throughProxy()); Statement s = c.createStatement()) {
            for (int i = 0; i < 60 && !readFrom.contains(port); i++) {
                try (ResultSet r = s.executeQuery("select current_setting('port')::int")) {
                    r.next();
                    readFrom.add(r.getInt(1));
                }
            }
        }
        assertThat(readFrom).as("reads balanced over the standbys").contains(port);
        Map<Integer, PoolNode> counted = poolNodes();
        assertThat(Long.parseLong(counted.get(2).selectCount())).as("select_cnt of node 2 in %s", counted).isPositive();
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void recoveringAnUpNodeIsRefusedWithPgpoolsMessage() throws Exception {
        startEngine(Map.of(), Map.of());

        PgpoolTools.Result refused = pcp("pcp_recovery_node", "-n", "1");

        assertThat(refused.stdout()).doesNotContain("Command Successful");
        assertThat(refused.stderr()).contains("node recovery failed, node id: 1 is alive");
        assertThat(journal(ClusterEvent.Kind.RECOVERY_FAILED)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("is alive"));
    }

    /** pgpool-II answers a second recovery at once, while the first one goes on (spec 3.2, 1.7.1). */
    @Test
    void aSecondRecoveryWhileOneRunsIsRefusedAtOnceAndTheFirstCompletes() throws Exception {
        // A throttled copy keeps the first recovery busy for a while.
        startEngine(Map.of(), Map.of("recovery_method", "'basebackup'", "recovery_basebackup_options", "'--max-rate=2M'"));
        pg.standby(1).stop(ShutdownMode.IMMEDIATE);
        Await.until(Duration.ofSeconds(30), () ->
                engine.cluster().snapshot().nodes().get(1).status() == NodeStatus.DOWN);

        CompletableFuture<PgpoolTools.Result> first = CompletableFuture.supplyAsync(() -> pcp("pcp_recovery_node", "-n", "1"));
        Await.until(Duration.ofSeconds(60), () ->
                !journal(ClusterEvent.Kind.RECOVERY_STARTED).isEmpty() || first.isDone());
        assertThat(first).as("the first recovery is still running").isNotDone();
        PgpoolTools.Result second = pcp("pcp_recovery_node", "-n", "1");

        assertThat(first).as("refused while the first one runs").isNotDone();
        assertThat(second.stdout()).doesNotContain("Command Successful");
        assertThat(second.stderr()).startsWith("FATAL:  process recovery request failed")
                .contains("already processing another recovery request");
        PgpoolTools.Result firstResult = first.get();
        assertThat(firstResult.exitCode()).as(firstResult.stderr()).isZero();
        assertThat(journal(ClusterEvent.Kind.RECOVERY_STARTED)).hasSize(1);
        assertStreamsAttachedAndUp(1, pg.standby(1), pg.primary());
    }

    @Test
    void sshDroppedMidRecoveryFailsClearlyAndLeavesTheNodeDownAndRecoverable() throws Exception {
        // A throttled copy is still running when the SSH sessions are killed.
        startEngine(Map.of(), Map.of("recovery_method", "'basebackup'", "recovery_basebackup_options", "'--max-rate=2M'"));
        LocalNode standby = pg.standby(1);
        standby.stop(ShutdownMode.IMMEDIATE);
        Await.until(Duration.ofSeconds(30), () ->
                engine.cluster().snapshot().nodes().get(1).status() == NodeStatus.DOWN);
        long sshdPid = Long.parseLong(Files.readString(sshd.directory().resolve("sshd.pid")).trim());
        CompletableFuture<Integer> killer = CompletableFuture.supplyAsync(() -> {
            try {
                Await.until(Duration.ofMinutes(2), () -> ProcessHandle.of(sshdPid).orElseThrow().descendants()
                        .anyMatch(p -> p.info().commandLine().orElse("").contains("pg_basebackup")));
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
            return sshd.killSessions();
        });

        PgpoolTools.Result failed = pcp("pcp_recovery_node", "-n", "1");

        assertThat(killer.get()).isPositive();
        assertThat(failed.stdout()).doesNotContain("Command Successful");
        assertThat(failed.stderr()).startsWith("ERROR:  node recovery failed at step")
                .contains("\"copy the primary with pg_basebackup\"").contains("was lost")
                .contains("node 1 stays detached").contains("previous data directory is back in place");
        assertThat(poolNodes().get(1).status()).isEqualTo("down");
        assertThat(journal(ClusterEvent.Kind.RECOVERY_FAILED)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("copy the primary with pg_basebackup"));
        assertThat(standby.dataDirectory().resolve("PG_VERSION")).exists();
        assertThat(RecoveryIT.leftoversNextTo(standby.dataDirectory())).isEmpty();

        PgpoolTools.Result again = pcp("pcp_recovery_node", "-n", "1");

        assertThat(again.stdout()).as(again.stderr()).isEqualTo("pcp_recovery_node -- Command Successful\n");
        assertStreamsAttachedAndUp(1, standby, pg.primary());
    }

    // ---------------------------------------------------------------- helpers

    /** The node streams from {@code primary}, the engine has it up, and SHOW pool_nodes over SQL says {@code up}. */
    private void assertStreamsAttachedAndUp(int nodeId, LocalNode node, LocalNode primary) throws Exception {
        assertThat(node.isInRecovery()).isTrue();
        pg.cluster().awaitStreaming(primary, List.of(node));
        assertThat(engine.cluster().snapshot().nodes().get(nodeId).status()).isEqualTo(NodeStatus.UP);
        assertThat(pcp("pcp_node_info", "-n", Integer.toString(nodeId)).stdout()).contains(" up ").contains(" standby ");
        PoolNode shown = poolNodes().get(nodeId);
        assertThat(shown.status()).isEqualTo("up");
        assertThat(shown.role()).isEqualTo("standby");
        List<ClusterEvent.Kind> kinds = engine.cluster().journal().events().stream().map(ClusterEvent::kind)
                .filter(k -> k.name().startsWith("RECOVERY_")).toList();
        assertThat(kinds.get(kinds.size() - 1)).isEqualTo(ClusterEvent.Kind.RECOVERY_FINISHED);
        assertThat(kinds).contains(ClusterEvent.Kind.RECOVERY_STEP);
        assertThat(journal(ClusterEvent.Kind.RECOVERY_FINISHED)).last()
                .satisfies(e -> assertThat(e.message()).isEqualTo("node " + nodeId + " recovered and attached"));
    }

    private ClusterEvent recoveryStart(int nodeId) {
        return journal(ClusterEvent.Kind.RECOVERY_STARTED).stream()
                .filter(e -> e.nodeId().equals(java.util.OptionalInt.of(nodeId))).reduce((a, b) -> b).orElseThrow();
    }

    private List<ClusterEvent> journal(ClusterEvent.Kind kind) {
        return engine.cluster().journal().events().stream().filter(e -> e.kind() == kind).toList();
    }

    private PgEndpoint throughProxy() {
        return pg.primary().endpoint().withAddress("127.0.0.1", engine.proxy().orElseThrow().tcpAddress().getPort());
    }

    /** One row of SHOW pool_nodes. */
    record PoolNode(String status, String role, String selectCount) {
    }

    /** SHOW pool_nodes over SQL through the engine's proxy, by node id. */
    private Map<Integer, PoolNode> poolNodes() throws Exception {
        Map<Integer, PoolNode> rows = new LinkedHashMap<>();
        try (Connection c = PgClients.jdbc(throughProxy()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SHOW pool_nodes")) {
            while (r.next()) {
                rows.put(Integer.parseInt(r.getString("node_id")),
                        new PoolNode(r.getString("status"), r.getString("role"), r.getString("select_cnt")));
            }
        }
        return rows;
    }
}
