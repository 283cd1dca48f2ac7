package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.auth.Md5Hash;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgpool-II's own {@code pcp_*} tools (Debian's 4.3.5) against Tidepool's PCP server, output
 * asserted byte for byte. The server is backed by {@link InMemoryPcpService}, so what is proved
 * here is the protocol: layouts, errors, exit codes.
 */
class PcpPgpoolToolsIT {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "secret";

    @TempDir
    Path dir;

    private InMemoryPcpService service;
    private PcpServer server;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        service = InMemoryPcpService.twoNodes();
        Path pcpConf = dir.resolve("pcp.conf");
        Files.writeString(pcpConf, "# PCP users\n" + USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n");
        // Debian's tools are 4.3.5: serve them the 4.3 node-info layout.
        PcpServerSettings settings = new PcpServerSettings(List.of("127.0.0.1"), 0, List.of(dir),
                NodeInfoLayout.forClientVersion("4.3"), Duration.ofSeconds(3), ZoneOffset.UTC);
        server = new PcpServer(settings, service, PcpUserLookup.file(pcpConf));
        server.start();
        env = pcppass(PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, String> pcppass(String password) throws IOException {
        Path file = Files.createTempFile(dir, "pcppass", "");
        Files.writeString(file, "*:*:" + USER + ":" + password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> environment = new HashMap<>();
        environment.put("PCPPASSFILE", file.toString());
        environment.put("TZ", "UTC");
        return environment;
    }

    private PgpoolTools.Result tcp(String tool, String... args) throws Exception {
        return tcpWith(env, tool, args);
    }

    private PgpoolTools.Result tcpWith(Map<String, String> environment, String tool, String... args) throws Exception {
        String[] all = new String[args.length + 7];
        System.arraycopy(new String[] {"-h", "127.0.0.1", "-p", Integer.toString(server.port()), "-U", USER, "-w"},
                0, all, 0, 7);
        System.arraycopy(args, 0, all, 7, args.length);
        return PgpoolTools.run(environment, tool, all);
    }

    private static void assertSuccess(PgpoolTools.Result result, String stdout) {
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout()).isEqualTo(stdout);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void nodeCountPrintsTheNumberOfSlots() throws Exception {
        assertSuccess(tcp("pcp_node_count"), "2\n");
        assertSuccess(tcp("pcp_node_count", "-v"), "Node Count\n____________\n 2\n");
    }

    @Test
    void nodeInfoPrintsThe43LayoutExactly() throws Exception {
        assertSuccess(tcp("pcp_node_info"),
                "10.0.0.1 5432 2 0.500000 up up primary primary 0 none none 2023-11-14 22:13:20\n"
                + "10.0.0.2 5433 3 0.500000 quarantine down standby unknown 2500000 streaming async"
                + " 2023-11-14 22:15:00\n");
        assertSuccess(tcp("pcp_node_info", "-n", "1", "-v"), """
                Hostname               : 10.0.0.2
                Port                   : 5433
                Status                 : 3
                Weight                 : 0.500000
                Status Name            : quarantine
                Backend Status Name    : down
                Role                   : standby
                Backend Role           : unknown
                Replication Delay      : 2500000
                Replication State      : streaming
                Replication Sync State : async
                Last Status Change     : 2023-11-14 22:15:00

                """);
    }

    @Test
    void nodeInfoOfAMissingNodeReportsTheServerError() throws Exception {
        PgpoolTools.Result result = tcp("pcp_node_info", "-n", "5");
        assertThat(result.stderr()).isEqualTo("ERROR:  informing node info failed\nDETAIL:  invalid node ID : 5\n\n");
        assertThat(result.stdout()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void nodeInfoOverTheUnixSocket() throws Exception {
        PgpoolTools.Result result = PgpoolTools.run(env, "pcp_node_info", "-h", dir.toString(), "-p",
                Integer.toString(server.port()), "-U", USER, "-w", "-n", "0");
        assertSuccess(result, "10.0.0.1 5432 2 0.500000 up up primary primary 0 none none 2023-11-14 22:13:20\n");
    }

    @Test
    void attachDetachAndPromoteReachTheClusterAndSucceed() throws Exception {
        assertSuccess(tcp("pcp_attach_node", "-n", "1"), "pcp_attach_node -- Command Successful\n");
        assertSuccess(tcp("pcp_detach_node", "-n", "1"), "pcp_detach_node -- Command Successful\n");
        assertSuccess(tcp("pcp_attach_node", "1"), "pcp_attach_node -- Command Successful\n");
        assertSuccess(tcp("pcp_detach_node", "-g", "-n", "1"), "pcp_detach_node -- Command Successful\n");
        assertSuccess(tcp("pcp_promote_node", "-n", "1"), "pcp_promote_node -- Command Successful\n");
        assertSuccess(tcp("pcp_promote_node", "-g", "-s", "-n", "0"), "pcp_promote_node -- Command Successful\n");
        assertThat(service.actions()).containsExactly("attach 1", "detach 1 graceful=false", "attach 1",
                "detach 1 graceful=true", "promote 1 switchover=false graceful=false",
                "promote 0 switchover=true graceful=true");
        assertSuccess(tcp("pcp_node_info", "-n", "0"),
                "10.0.0.1 5432 2 0.500000 up up primary primary 0 none none 2023-11-14 22:13:20\n");
    }

    @Test
    void detachOfADownNodeIsReportedAndExitsZero() throws Exception {
        PgpoolTools.Result result = tcp("pcp_detach_node", "-n", "1");
        assertThat(result.stderr()).isEqualTo(
                "ERROR:  invalid degenerate backend request, node id : 1 status: [3] is not valid for failover\n\n");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void promotingThePrimaryIsFatal() throws Exception {
        PgpoolTools.Result result = tcp("pcp_promote_node", "-n", "0");
        assertThat(result.stderr()).isEqualTo("FATAL:  invalid promote request\n"
                + "DETAIL:  specified node is already primary node, can't promote node id 0\n\n");
    }

    @Test
    void processCountAndInfoPrintTheToolsColumns() throws Exception {
        assertSuccess(tcp("pcp_proc_count"), "101 102 \n");
        assertSuccess(tcp("pcp_proc_count", "-v"),
                "No \t | \t PID\n_____________________\n0 \t | \t 101\n1 \t | \t 102\n\nTotal Processes:2\n");
        // The server sends 21 fields; the 4.3 tool prints its 16 columns (spec Appendix B).
        String row = "db alice 2023-11-14 22:13:20 5 3 0 2023-11-14 22:13:21 2023-11-14 22:13:22 0  1 4242 1 101 0"
                + " Idle\n";
        assertSuccess(tcp("pcp_proc_info"), row);
        assertSuccess(tcp("pcp_proc_info", "-P", "101"), row);
        PgpoolTools.Result all = tcp("pcp_proc_info", "-a");
        assertThat(all.stdout().lines()).hasSize(4).startsWith(row.strip());
    }

    @Test
    void poolStatusPrintsEveryRow() throws Exception {
        assertSuccess(tcp("pcp_pool_status"), """
                name : listen_addresses
                value: localhost
                desc : host name(s) or IP address(es) to listen on

                name : port
                value: 9999
                desc : pgpool accepting port number

                name : backend_clustering_mode
                value: 1
                desc : clustering mode

                """);
        assertThat(tcp("pcp_pool_status", "-v").stdout())
                .startsWith("Name [  0]:\tlisten_addresses\nValue:      \tlocalhost\n"
                        + "Description:\thost name(s) or IP address(es) to listen on\n\n");
    }

    @Test
    void healthCheckStatsPrintTwentyValues() throws Exception {
        assertSuccess(tcp("pcp_health_check_stats", "-n", "0"),
                "0 10.0.0.1 5432 up primary 2023-11-14 22:13:20 10 9 1 0 2 0.200000 2 30 3 7.500000"
                + " 2023-11-14 22:15:00 2023-11-14 22:15:00  2023-11-14 22:13:20\n");
        String verbose = tcp("pcp_health_check_stats", "-n", "1", "-v").stdout();
        assertThat(verbose).startsWith("Node Id                       : 1\nHost Name                     : 10.0.0.2\n");
        assertThat(verbose).contains("Minimum Health Check Duration : 3\n");
    }

    @Test
    void stopAndReloadReplyThenAct() throws Exception {
        assertSuccess(tcp("pcp_reload_config"), "pcp_reload_config -- Command Successful\n");
        assertSuccess(tcp("pcp_reload_config", "-s", "c"), "pcp_reload_config -- Command Successful\n");
        assertSuccess(tcp("pcp_stop_pgpool", "-m", "fast"), "pcp_stop_pgpool -- Command Successful\n");
        awaitAction("stop FAST cluster=false");
        assertThat(service.actions()).containsExactly("reload cluster=false", "reload cluster=true",
                "stop FAST cluster=false");
    }

    @Test
    void watchdogAndRecoveryAreNotAvailable() throws Exception {
        PgpoolTools.Result watchdog = tcp("pcp_watchdog_info");
        assertThat(watchdog.stderr())
                .isEqualTo("ERROR:  PCP: informing watchdog info failed\nDETAIL:  watchdog is not enabled\n\n");
        assertThat(watchdog.exitCode()).isZero();
        PgpoolTools.Result recovery = tcp("pcp_recovery_node", "-n", "1");
        assertThat(recovery.stderr()).isEqualTo("ERROR:  recovery of node 1 failed\n"
                + "DETAIL:  online recovery is not available yet in this version of Tidepool\n\n");
    }

    @Test
    void wrongPasswordExitsOneWithTheMessage() throws Exception {
        PgpoolTools.Result result = tcpWith(pcppass("wrong"), "pcp_node_count");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).isEqualTo("FATAL:  authentication failed for user \"pcpadmin\"\n"
                + "DETAIL:  username and/or password does not match\n\n");
    }

    @Test
    void hostileClientsDoNotDisturbTheTools() throws Exception {
        try (Socket oversized = raw(); Socket stalled = raw()) {
            stalled.getOutputStream().write(new byte[] {'M', 0});
            oversized.getOutputStream().write(HexFormat.of().parseHex("4d00000104"));
            PcpErrorPacket error = PcpErrorPacket.decode(readPacket(oversized));
            assertThat(error.message()).isEqualTo("invalid PCP packet");
            assertThat(error.detail()).contains("incorrect packet length (260)");

            assertSuccess(tcp("pcp_node_count"), "2\n");

            PcpErrorPacket timeout = PcpErrorPacket.decode(readPacket(stalled));
            assertThat(timeout.message()).isEqualTo("PCP connection timed out");
            assertThat(stalled.getInputStream().read()).isEqualTo(-1);
            assertSuccess(tcp("pcp_node_count"), "2\n");
        }
    }

    private void awaitAction(String action) throws InterruptedException {
        // The shutdown runs after the reply was sent, so it may land a moment after the tool exits.
        for (int i = 0; i < 100 && !service.actions().contains(action); i++) {
            Thread.sleep(50);
        }
    }

    private Socket raw() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static PcpPacket readPacket(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        char tag = (char) in.readUnsignedByte();
        byte[] payload = new byte[in.readInt() - 4];
        in.readFully(payload);
        return PcpPacket.of(tag, payload);
    }
}
