package io.tidepool.app.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.InMemoryPcpService;
import io.tidepool.admin.pcp.NodeInfoLayout;
import io.tidepool.admin.pcp.PcpServer;
import io.tidepool.admin.pcp.PcpServerSettings;
import io.tidepool.admin.pcp.PcpUserFile;
import io.tidepool.admin.pcp.PcpUserLookup;
import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.NodeSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidepool pcp} (our client) against Tidepool's PCP server serving the newest layout:
 * the same commands as pgpool-II's tools, output asserted. Node 1 measures its delay by time,
 * which only the 4.4+ layout can carry.
 */
class PcpCommandIT {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "secret";

    @TempDir
    Path dir;

    private InMemoryPcpService service;
    private PcpServer server;
    private final TestTerminal terminal = new TestTerminal();

    @BeforeEach
    void start() throws Exception {
        ClusterSnapshot two = InMemoryPcpService.twoNodes().cluster();
        NodeSnapshot s = two.nodes().get(1);
        NodeSnapshot byTime = new NodeSnapshot(s.id(), s.hostname(), s.port(), s.status(), s.quarantined(),
                s.actualStatus(), s.weight(), s.role(), s.actualRole(), 2_500_000, true, s.replicationState(),
                s.syncState(), s.lastStatusChange(), s.selectCount(), s.loadBalanceNode());
        service = new InMemoryPcpService(new ClusterSnapshot(List.of(two.nodes().get(0), byTime), two.primaryId(),
                two.clusteringMode(), two.takenAt()));
        PcpServerSettings settings = new PcpServerSettings(List.of("127.0.0.1"), 0, List.of(dir),
                NodeInfoLayout.NEWEST, Duration.ofSeconds(5), ZoneOffset.UTC);
        server = new PcpServer(settings, service,
                PcpUserLookup.of(PcpUserFile.parse(USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n")));
        server.start();
        terminal.environment.put("PCPPASSFILE", pcppass(PASSWORD).toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path pcppass(String password) throws IOException {
        Path file = Files.createTempFile(dir, "pcppass", "");
        Files.writeString(file, "127.0.0.1:*:" + USER + ":" + password + "\n" + "*:*:" + USER + ":" + password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private int pcp(String tool, String... args) {
        List<String> all = new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-U", USER, "-w"));
        all.addAll(List.of(args));
        return terminal.run("pcp", all.toArray(String[]::new));
    }

    private void assertSuccess(int exit, String stdout) {
        assertThat(terminal.err()).isEmpty();
        assertThat(terminal.out()).isEqualTo(stdout);
        assertThat(exit).isZero();
    }

    @Test
    void nodeCountPrintsTheNumberOfSlots() {
        assertSuccess(pcp("node_count"), "2\n");
        assertSuccess(pcp("node_count", "-v"), "Node Count\n____________\n 2\n");
    }

    @Test
    void nodeInfoPrintsTheNewestLayoutWithDelayInSeconds() {
        assertSuccess(pcp("node_info"),
                "10.0.0.1 5432 2 0.500000 up up primary primary 0 none none 2023-11-14 22:13:20\n"
                + "10.0.0.2 5433 3 0.500000 quarantine down standby unknown 2.500000 streaming async"
                + " 2023-11-14 22:15:00\n");
        assertSuccess(pcp("node_info", "1", "-v"), """
                Hostname               : 10.0.0.2
                Port                   : 5433
                Status                 : 3
                Weight                 : 0.500000
                Status Name            : quarantine
                Backend Status Name    : down
                Role                   : standby
                Backend Role           : unknown
                Replication Delay      : 2.500000 seconds
                Replication State      : streaming
                Replication Sync State : async
                Last Status Change     : 2023-11-14 22:15:00

                """);
    }

    @Test
    void nodeInfoOverTheUnixSocket() {
        int exit = terminal.run("pcp", "node_info", "-h", dir.toString(), "-p", Integer.toString(server.port()),
                "-U", USER, "-w", "-n", "0");
        assertSuccess(exit, "10.0.0.1 5432 2 0.500000 up up primary primary 0 none none 2023-11-14 22:13:20\n");
    }

    @Test
    void serverErrorsArePrintedAndExitZero() {
        int exit = pcp("node_info", "-n", "5");
        assertThat(terminal.err()).isEqualTo("ERROR:  informing node info failed\nDETAIL:  invalid node ID : 5\n\n");
        assertThat(exit).isZero();
        exit = pcp("watchdog_info");
        assertThat(terminal.err())
                .isEqualTo("ERROR:  PCP: informing watchdog info failed\nDETAIL:  watchdog is not enabled\n\n");
        assertThat(exit).isZero();
        exit = pcp("recovery_node", "-n", "1");
        assertThat(terminal.err()).contains("DETAIL:  online recovery is not available yet");
        assertThat(exit).isZero();
    }

    @Test
    void commandsReachTheServiceAndPrintSuccess() throws Exception {
        assertSuccess(pcp("attach_node", "-n", "1"), "pcp_attach_node -- Command Successful\n");
        assertSuccess(pcp("detach_node", "1", "-g"), "pcp_detach_node -- Command Successful\n");
        assertSuccess(pcp("promote_node", "-n", "1", "--switchover"), "pcp_promote_node -- Command Successful\n");
        assertSuccess(pcp("reload_config", "-s", "c"), "pcp_reload_config -- Command Successful\n");
        assertSuccess(pcp("log_rotate"), "pcp_log_rotate -- Command Successful\n");
        assertSuccess(pcp("invalidate_query_cache"), "pcp_invalidate_query_cache -- Command Successful\n");
        assertSuccess(pcp("stop_pgpool", "-m", "i"), "pcp_stop_pgpool -- Command Successful\n");
        for (int i = 0; i < 100 && service.actions().size() < 7; i++) {
            Thread.sleep(50);
        }
        assertThat(service.actions()).containsExactly("attach 1", "detach 1 graceful=true",
                "promote 1 switchover=true graceful=false", "reload cluster=true", "rotate log cluster=false",
                "invalidate query cache", "stop IMMEDIATE cluster=false");
    }

    @Test
    void processPoolAndHealthReportsMatchPgpoolFormat() {
        assertSuccess(pcp("proc_count"), "101 102 \n");
        assertSuccess(pcp("proc_info", "-P", "101"), "db alice 2023-11-14 22:13:20 5 3 0 2023-11-14 22:13:21"
                + " 2023-11-14 22:13:22 0  1 4242 1 101 0 Idle 1 127.0.0.1 50000 SELECT 1\n");
        assertThat(pcp("proc_info", "-a")).isZero();
        assertThat(terminal.out().lines()).hasSize(4);
        assertThat(pcp("pool_status")).isZero();
        assertThat(terminal.out()).startsWith("name : listen_addresses\nvalue: localhost\n"
                + "desc : host name(s) or IP address(es) to listen on\n\n");
        assertSuccess(pcp("health_check_stats", "-n", "0"),
                "0 10.0.0.1 5432 up primary 2023-11-14 22:13:20 10 9 1 0 2 0.200000 2 30 3 7.500000"
                + " 2023-11-14 22:15:00 2023-11-14 22:15:00  2023-11-14 22:13:20\n");
    }

    @Test
    void wrongPasswordExitsOne() throws Exception {
        terminal.environment.put("PCPPASSFILE", pcppass("wrong").toString());
        int exit = pcp("node_count");
        assertThat(exit).isEqualTo(1);
        assertThat(terminal.out()).isEmpty();
        assertThat(terminal.err()).isEqualTo("FATAL:  authentication failed for user \"pcpadmin\"\n"
                + "DETAIL:  username and/or password does not match\n\n");
    }

    @Test
    void promptsWhenPcppassHasNoEntryAndForcedPromptWins() throws Exception {
        Path empty = Files.createTempFile(dir, "empty", "");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        terminal.environment.put("PCPPASSFILE", empty.toString());
        terminal.typedPassword = PASSWORD;
        int exit = terminal.run("pcp", "node_count", "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-U", USER);
        assertSuccess(exit, "2\n");
        terminal.environment.put("PCPPASSFILE", pcppass("wrong").toString());
        exit = terminal.run("pcp", "node_count", "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-U", USER, "-W");
        assertSuccess(exit, "2\n");
    }

    @Test
    void usageErrorsExitOne() {
        assertThat(terminal.run("pcp", "attach_node", "-w")).isEqualTo(1);
        assertThat(terminal.err()).contains("missing node ID");
        assertThat(terminal.run("pcp", "node_info", "-n", "200", "-w")).isEqualTo(1);
        assertThat(terminal.run("pcp", "node_info", "--bogus")).isEqualTo(1);
        // pgpool-II's tools exit 0 on a bad port.
        assertThat(terminal.run("pcp", "node_count", "-p", "80", "-w")).isZero();
        assertThat(terminal.err()).contains("invalid port number \"80\"");
    }

    @Test
    void connectionFailureExitsOne() {
        assertThat(terminal.run("pcp", "node_count", "-h", dir.resolve("nowhere").toString(), "-p", "9898", "-w"))
                .isEqualTo(1);
        assertThat(terminal.err()).isEqualTo("ERROR: connection to socket \"" + dir.resolve("nowhere")
                + "/.s.PGSQL.9898\" failed with error \"No such file or directory\"\n");
    }

    /** The packaged launcher, as {@code ./tidepool pcp} runs it: wiring, quiet logs, exit code. */
    @Test
    void theLauncherJarRunsPcpCommands() throws Exception {
        Path jar = Path.of("target", "tidepool.jar");
        assertThat(jar).as("the launcher jar is built in the package phase, before integration tests").exists();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "pcp", "node_info", "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-U", USER, "-w", "0");
        builder.environment().put("PCPPASSFILE", terminal.environment.get("PCPPASSFILE"));
        builder.environment().put("TZ", "UTC");
        builder.redirectErrorStream(false);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(err).isEmpty();
        assertThat(out).isEqualTo("10.0.0.1 5432 2 0.500000 up up primary primary 0 none none 2023-11-14 22:13:20\n");
        assertThat(process.exitValue()).isZero();
    }
}
