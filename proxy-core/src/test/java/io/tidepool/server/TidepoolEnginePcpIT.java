package io.tidepool.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgpool-II's own pcp tools (Debian's 4.3.5) against a running engine over a real primary with two
 * standbys: what they print is asserted, and what they change is checked in the cluster. Nothing
 * here damages the servers (detach and attach only change Tidepool's view), so the cluster is shared.
 */
class TidepoolEnginePcpIT {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "pcp-secret";

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path dir;

    private TidepoolEngine engine;
    private final List<ShutdownMode> stopRequests = new CopyOnWriteArrayList<>();
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("pcp.conf"), USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n");
        PgpoolConfig config = ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of(
                "pcp_client_version", "'4.3'", "health_check_period", "1", "sr_check_period", "1"));
        engine = new TidepoolEngine(config, TidepoolEngine.Options.defaults().withStopHandler(stopRequests::add));
        engine.start();
        Path pcppass = dir.resolve("pcppass");
        Files.writeString(pcppass, "*:*:" + USER + ":" + PASSWORD + "\n");
        Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
        env = new HashMap<>(Map.of("PCPPASSFILE", pcppass.toString(), "TZ", "UTC"));
        // The replication check fills in the standbys' replication state within a period or two.
        Await.until(Duration.ofSeconds(30), () -> engine.cluster().snapshot().nodes().stream()
                .filter(n -> n.id() > 0).allMatch(n -> n.replicationState().equals("streaming")));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    /**
     * Replaces the test's engine by one with its proxy on, PCP clients at 4.3 plus {@code settings};
     * returns the endpoint that reaches the primary's database through that proxy.
     */
    private io.tidepool.ops.local.PgEndpoint restartWithProxy(Map<String, String> settings) throws Exception {
        engine.close();
        Map<String, String> all = new HashMap<>(settings);
        all.put("pcp_client_version", "'4.3'");
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, all),
                TidepoolEngine.Options.defaults().withProxy(true).withStopHandler(stopRequests::add));
        engine.start();
        return pg.primary().endpoint().withAddress("127.0.0.1", engine.proxy().orElseThrow().tcpAddress().getPort());
    }

    private PgpoolTools.Result pcp(String tool, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(engine.pcpPort().orElseThrow()),
                "-U", USER, "-w"));
        all.addAll(List.of(args));
        PgpoolTools.Result result = PgpoolTools.run(env, tool, all.toArray(String[]::new));
        assertThat(result.exitCode()).as(tool + " exit status; stderr: " + result.stderr()).isZero();
        return result;
    }

    @Test
    void nodeCountAndNodeInfoDescribeTheRealCluster() throws Exception {
        assertThat(pcp("pcp_node_count").stdout()).isEqualTo("3\n");
        List<LocalNode> nodes = pg.nodes();
        String time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";
        assertThat(pcp("pcp_node_info", "-n", "0").stdout()).matches(
                "127\\.0\\.0\\.1 " + nodes.get(0).port() + " 2 0\\.333333 up up primary primary 0 none none " + time + "\n");
        assertThat(pcp("pcp_node_info").stdout().lines().toList()).hasSize(3).element(2).asString().matches(
                "127\\.0\\.0\\.1 " + nodes.get(2).port() + " 2 0\\.333333 up up standby standby \\d+ streaming async "
                        + time);
    }

    @Test
    void detachAndAttachChangeTheNodeStatus() throws Exception {
        assertThat(pcp("pcp_detach_node", "-n", "2").stdout()).isEqualTo("pcp_detach_node -- Command Successful\n");
        Await.until(Duration.ofSeconds(10), () ->
                engine.cluster().snapshot().nodes().get(2).status() == NodeStatus.DOWN);
        assertThat(pcp("pcp_node_info", "-n", "2").stdout()).contains(" 3 0.333333 down up standby ");
        assertThat(Files.readString(dir.resolve("pgpool_status"))).isEqualTo("up\nup\ndown\n");

        PgpoolTools.Result again = pcp("pcp_detach_node", "-n", "2");
        assertThat(again.stderr()).isEqualTo(
                "ERROR:  invalid degenerate backend request, node id : 2 status: [3] is not valid for failover\n\n");

        assertThat(pcp("pcp_attach_node", "-n", "2").stdout()).isEqualTo("pcp_attach_node -- Command Successful\n");
        Await.until(Duration.ofSeconds(10), () -> engine.cluster().journal().events().stream()
                .anyMatch(e -> e.kind() == ClusterEvent.Kind.NODE_ATTACHED));
        assertThat(engine.cluster().snapshot().nodes().get(2).status()).isEqualTo(NodeStatus.UP);
        assertThat(engine.cluster().snapshot().primaryId()).hasValue(0);
        assertThat(engine.cluster().journal().events()).extracting(ClusterEvent::kind)
                .containsSubsequence(ClusterEvent.Kind.NODE_DOWN, ClusterEvent.Kind.NODE_ATTACHED);
    }

    @Test
    void healthCheckStatsCountTheChecks() throws Exception {
        Await.until(Duration.ofSeconds(20), () -> engine.cluster().healthCheckStatistics(1).successCount() >= 2);
        String verbose = pcp("pcp_health_check_stats", "-n", "1", "-v").stdout();
        assertThat(verbose).contains("Node Id                       : 1\n")
                .contains("Host Name                     : 127.0.0.1\n")
                .contains("Status                        : up\n")
                .contains("Role                          : standby\n")
                .containsPattern("Success Count                 : [1-9]\\d*\n")
                .contains("Fail Count                    : 0\n");
        assertThat(pcp("pcp_health_check_stats", "-n", "0").stdout())
                .startsWith("0 127.0.0.1 " + pg.primary().port() + " up primary ");
    }

    @Test
    void processCountIsHonestlyEmptyWithoutSessions() throws Exception {
        // No sessions registered: zero pids, which the 4.3 tool reports as a bare success.
        assertThat(pcp("pcp_proc_count").stdout()).isEqualTo("pcp_proc_count -- Command Successful\n");
    }

    @Test
    void processCountAndInfoListEverySlotOfTheEnginesProxyAsPgpoolListsItsChildren() throws Exception {
        io.tidepool.ops.local.PgEndpoint viaProxy = restartWithProxy(Map.of("health_check_period", "1",
                "backend_weight0", "0", "num_init_children", "4", "max_pool", "2"));
        // An idle proxy lists its four slots, as pgpool-II lists four children waiting for a client.
        assertThat(pcp("pcp_proc_count").stdout()).isEqualTo("0 0 0 0 \n");
        assertThat(pcp("pcp_proc_count", "-v").stdout()).endsWith("\nTotal Processes:4\n");
        assertThat(pcp("pcp_proc_info", "-a").stdout().lines()).as("4 slots x 2 pool slots x 3 nodes").hasSize(24);
        int primaryPid;
        try (java.sql.Connection c = io.tidepool.harness.PgClients.jdbc(viaProxy);
             java.sql.Statement st = c.createStatement()) {
            // A write and a read: the session holds the primary and its load-balance standby.
            st.execute("create temporary table proc_info_probe(i int)");
            st.execute("select 1");
            List<io.tidepool.admin.pcp.ProcessInfo> served = served();
            assertThat(served).hasSize(1);
            String id = Integer.toString(served.get(0).pid());
            primaryPid = served.get(0).connections().stream().filter(p -> p.backendId() == 0).findFirst()
                    .orElseThrow().backendPid();
            assertThat(pg.primary().queryValue("select usename from pg_stat_activity where pid = " + primaryPid))
                    .as("the backend pid reported for node 0 is a real session of the primary")
                    .hasValue(pg.cluster().superuser());

            assertThat(pcp("pcp_proc_count").stdout()).isEqualTo(id + " 0 0 0 \n");
            String info = pcp("pcp_proc_info", "-P", id).stdout();
            // One line per backend the session holds, each with the user, backend pid, connected flag and slot id.
            assertThat(info.lines()).hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains(" " + pg.cluster().superuser() + " ")
                            .contains(" 1 " + id + " "));
            assertThat(info).contains(" " + primaryPid + " 1 " + id + " 0 ");
            assertThat(pcp("pcp_proc_info", "-P", id, "-a").stdout().lines()).as("2 pool slots x 3 nodes").hasSize(6);
        }
        Await.until(Duration.ofSeconds(10), () -> served().isEmpty());
        assertThat(pcp("pcp_proc_count").stdout()).isEqualTo("0 0 0 0 \n");
        // The session's connections wait in the pool (connection_cache): an idle slot lists them, not connected.
        assertThat(pcp("pcp_proc_info").stdout().lines())
                .anySatisfy(line -> assertThat(line).contains(" " + primaryPid + " 0 0 "));
    }

    /** The slots serving a session now. */
    private List<io.tidepool.admin.pcp.ProcessInfo> served() {
        return engine.sessions().processes().stream().filter(p -> !p.idle()).toList();
    }

    @Test
    void rawModeSessionsAreListedToo() throws Exception {
        io.tidepool.ops.local.PgEndpoint viaProxy = restartWithProxy(Map.of("backend_clustering_mode", "'raw'",
                "num_init_children", "3"));
        try (java.sql.Connection c = io.tidepool.harness.PgClients.jdbc(viaProxy);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            rs.next();
            int backendPid = rs.getInt(1); // raw mode relays: the real server's pid
            List<io.tidepool.admin.pcp.ProcessInfo> served = served();
            assertThat(served).hasSize(1);
            String id = Integer.toString(served.get(0).pid());
            assertThat(pcp("pcp_proc_count").stdout()).isEqualTo(id + " 0 0 \n");
            String info = pcp("pcp_proc_info", "-P", id).stdout();
            assertThat(info.lines()).hasSize(1);
            assertThat(info).contains(" " + pg.cluster().superuser() + " ").contains(" " + backendPid + " 1 " + id + " 0 ");
        }
        Await.until(Duration.ofSeconds(10), () -> served().isEmpty());
        assertThat(pcp("pcp_proc_count").stdout()).isEqualTo("0 0 0 \n");
    }

    @Test
    void pcpProcInfoShowsARawModeSessionExecutingAStatement() throws Exception {
        io.tidepool.ops.local.PgEndpoint viaProxy = restartWithProxy(Map.of("backend_clustering_mode", "'raw'"));
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection c = io.tidepool.harness.PgClients.jdbc(viaProxy)) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("select 1");
            }
            String id = Integer.toString(served().get(0).pid());
            assertThat(pcp("pcp_proc_info", "-P", id).stdout()).endsWith(" Idle\n");
            java.util.concurrent.Future<?> sleeping = background.submit(() -> {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("select pg_sleep(3)");
                }
                return null;
            });
            Await.until(Duration.ofSeconds(2), () ->
                    served().get(0).status().equals("Execute command"));
            // the 4.3 tool prints the status last
            assertThat(pcp("pcp_proc_info", "-P", id).stdout()).endsWith(" Execute command\n");
            sleeping.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(pcp("pcp_proc_info", "-P", id).stdout()).endsWith(" Idle\n");
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void gracefulDetachHoldsNewClientsUntilTheServedSessionsEnd() throws Exception {
        io.tidepool.ops.local.PgEndpoint viaProxy = restartWithProxy(Map.of("health_check_period", "1"));
        ProxyServer proxy = engine.proxy().orElseThrow();
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            java.util.concurrent.Future<PgpoolTools.Result> detach;
            java.util.concurrent.Future<String> late;
            try (java.sql.Connection served = io.tidepool.harness.PgClients.jdbc(viaProxy);
                 java.sql.Statement st = served.createStatement()) {
                st.execute("select 1");
                detach = background.submit(() -> pcp("pcp_detach_node", "-g", "-n", "2"));
                Await.until(Duration.ofSeconds(10), proxy::newSessionsHeld);
                late = background.submit(() -> {
                    try (java.sql.Connection c = io.tidepool.harness.PgClients.jdbc(viaProxy);
                         java.sql.Statement s = c.createStatement();
                         java.sql.ResultSet rs = s.executeQuery("select 'served after the detach'")) {
                        rs.next();
                        return rs.getString(1);
                    }
                });
                Thread.sleep(1_000);
                assertThat(detach.isDone()).as("the detach waits for the served session").isFalse();
                assertThat(late.isDone()).as("a client arriving meanwhile waits too").isFalse();
                st.execute("select 2"); // the served session goes on while held
            }
            assertThat(detach.get(30, TimeUnit.SECONDS).stdout()).isEqualTo("pcp_detach_node -- Command Successful\n");
            assertThat(late.get(30, TimeUnit.SECONDS)).isEqualTo("served after the detach");
            assertThat(proxy.newSessionsHeld()).isFalse();
            assertThat(engine.cluster().snapshot().nodes().get(2).status()).isEqualTo(NodeStatus.DOWN);
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void poolStatusShowsTheNodesRuntimeStatus() throws Exception {
        assertThat(pcp("pcp_pool_status").stdout()).contains("name : backend_status1\nvalue: up\n");
    }

    @Test
    void stopIsHandedToTheServer() throws Exception {
        assertThat(pcp("pcp_stop_pgpool", "-m", "f").stdout()).isEqualTo("pcp_stop_pgpool -- Command Successful\n");
        Await.until(Duration.ofSeconds(10), () -> !stopRequests.isEmpty());
        assertThat(stopRequests).containsExactly(ShutdownMode.FAST);
    }

    @Test
    void reloadAppliesTheEditedConfiguration() throws Exception {
        Path conf = dir.resolve("pgpool.conf");
        Files.writeString(conf, Files.readString(conf) + "failover_command = 'echo %d'\n");
        assertThat(pcp("pcp_reload_config").stdout()).isEqualTo("pcp_reload_config -- Command Successful\n");
        assertThat(engine.cluster().settings().failoverCommand()).isEqualTo("echo %d");
        assertThat(engine.config().getString("failover_command")).isEqualTo("echo %d");
    }

    @Test
    void promotingThePrimaryIsRefused() throws Exception {
        PgpoolTools.Result result = PgpoolTools.run(env, "pcp_promote_node", "-h", "127.0.0.1", "-p",
                Integer.toString(engine.pcpPort().orElseThrow()), "-U", USER, "-w", "-n", "0");
        assertThat(result.stderr()).isEqualTo("FATAL:  invalid promote request\n"
                + "DETAIL:  specified node is already primary node, can't promote node id 0\n\n");
    }
}
