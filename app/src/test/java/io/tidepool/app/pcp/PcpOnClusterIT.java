package io.tidepool.app.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.harness.PgClients;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;
import java.sql.Connection;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidepool pcp} against a running engine (with its proxy) over a real primary with two
 * standbys, newest node-info layout. Only Tidepool's view of the nodes changes (promote without
 * {@code --switchover} and without built-in failover changes the view alone), so the cluster is
 * shared.
 */
class PcpOnClusterIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path dir;

    private TidepoolEngine engine;
    private final List<ShutdownMode> stopRequests = new CopyOnWriteArrayList<>();
    private final TestTerminal terminal = new TestTerminal();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("pcp.conf"), "admin:" + Md5Hash.pcpConfValue("pw") + "\n");
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of("health_check_period", "1")),
                TidepoolEngine.Options.defaults().withProxy(true).withStopHandler(stopRequests::add));
        engine.start();
        Path pcppass = dir.resolve("pcppass");
        Files.writeString(pcppass, "*:*:admin:pw\n");
        Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
        terminal.environment.put("PCPPASSFILE", pcppass.toString());
        terminal.environment.put("TZ", "UTC");
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private String pcp(String tool, String... args) {
        terminal.out.getBuffer().setLength(0);
        List<String> all = new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p",
                Integer.toString(engine.pcpPort().orElseThrow()), "-U", "admin", "-w"));
        all.addAll(List.of(args));
        int exit = terminal.run("pcp", all.toArray(String[]::new));
        assertThat(terminal.err()).isEmpty();
        assertThat(exit).isZero();
        return terminal.out();
    }

    @Test
    void nodeCommandsDescribeAndChangeTheCluster() throws Exception {
        assertThat(pcp("node_count")).isEqualTo("3\n");
        assertThat(pcp("node_info", "-n", "0")).matches("127\\.0\\.0\\.1 " + pg.primary().port()
                + " 2 0\\.333333 up (up|unknown) primary primary 0 none none \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\n");

        assertThat(pcp("detach_node", "-n", "1")).isEqualTo("pcp_detach_node -- Command Successful\n");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (engine.cluster().snapshot().nodes().get(1).status() != NodeStatus.DOWN && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(pcp("node_info", "-n", "1")).contains(" 3 0.333333 down ");
        assertThat(pcp("attach_node", "-n", "1")).isEqualTo("pcp_attach_node -- Command Successful\n");
        deadline = System.nanoTime() + 10_000_000_000L;
        while (engine.cluster().snapshot().nodes().get(1).status() != NodeStatus.UP && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(pcp("node_info", "-n", "1")).contains(" 2 0.333333 up ");
        assertThat(pcp("health_check_stats", "-n", "0")).startsWith("0 127.0.0.1 " + pg.primary().port()
                + " up primary ");
    }

    @Test
    void processPoolPromoteAndStopCommandsWorkOnTheCluster() throws Exception {
        PgEndpoint viaProxy = pg.primary().endpoint().withAddress("127.0.0.1",
                engine.proxy().orElseThrow().tcpAddress().getPort());
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            st.execute("select 1");
            String id = Long.toString(engine.proxy().orElseThrow().sessionInfos().get(0).id());
            int slots = engine.config().getInt("num_init_children");
            assertThat(pcp("proc_count")).as("the session's slot, then the idle ones (pid 0), as pgpool-II's children")
                    .isEqualTo(id + " 0".repeat(slots - 1) + " \n");
            assertThat(pcp("proc_info", "-P", id)).contains(" " + pg.cluster().superuser() + " ").contains(" " + id + " ");
        }
        assertThat(pcp("pool_status")).startsWith("name : backend_clustering_mode\nvalue: 1\n")
                .contains("name : listen_addresses\nvalue: 127.0.0.1\n").contains("name : backend_status1\nvalue: up\n");

        assertThat(pcp("promote_node", "-n", "2")).isEqualTo("pcp_promote_node -- Command Successful\n");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!engine.cluster().snapshot().primaryId().equals(java.util.OptionalInt.of(2)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(engine.cluster().snapshot().primaryId()).hasValue(2);
        assertThat(pcp("node_info", "-n", "2")).contains(" primary ");

        assertThat(pcp("stop_pgpool", "-m", "f")).isEqualTo("pcp_stop_pgpool -- Command Successful\n");
        deadline = System.nanoTime() + 10_000_000_000L;
        while (stopRequests.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(stopRequests).containsExactly(ShutdownMode.FAST);
    }
}
