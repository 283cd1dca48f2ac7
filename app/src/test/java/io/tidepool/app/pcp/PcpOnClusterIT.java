package io.tidepool.app.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.server.TidepoolEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidepool pcp} against a running engine over a real primary with two standbys, newest
 * node-info layout. Only Tidepool's view of the nodes changes, so the cluster is shared.
 */
class PcpOnClusterIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path dir;

    private TidepoolEngine engine;
    private final TestTerminal terminal = new TestTerminal();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("pcp.conf"), "admin:" + Md5Hash.pcpConfValue("pw") + "\n");
        engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of("health_check_period", "1")),
                TidepoolEngine.Options.defaults());
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
}
