package io.tidepool.app.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.Md5Hash;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidepool pcp} against a real pgpool-II (Debian's 4.3.5, raw mode, two backends that
 * need not run), side by side with pgpool-II's own tools: for every read command both print the
 * same bytes. This is what the console relies on to manage existing pgpool-II installations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PcpAgainstPgpoolIT {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "secret";

    @TempDir
    static Path dir;

    private Process pgpool;
    private int pcpPort;
    private Map<String, String> env;
    private final TestTerminal terminal = new TestTerminal();

    @BeforeAll
    void startPgpool() throws Exception {
        Path sockets = Files.createDirectories(dir.resolve("sock"));
        Path logs = Files.createDirectories(dir.resolve("log"));
        int port = freePort();
        pcpPort = freePort();
        Path conf = dir.resolve("pgpool.conf");
        Files.writeString(conf, String.join("\n",
                "backend_clustering_mode = 'raw'",
                "listen_addresses = 'localhost'",
                "port = " + port,
                "unix_socket_directories = '" + sockets + "'",
                "pcp_listen_addresses = 'localhost'",
                "pcp_port = " + pcpPort,
                "pcp_socket_dir = '" + sockets + "'",
                "backend_hostname0 = '127.0.0.1'",
                "backend_port0 = 1031",
                "backend_weight0 = 1",
                "backend_hostname1 = '127.0.0.1'",
                "backend_port1 = 1032",
                "backend_weight1 = 1",
                "num_init_children = 2",
                "max_pool = 1",
                "health_check_period = 0",
                "sr_check_period = 0",
                "pid_file_name = '" + dir.resolve("pgpool.pid") + "'",
                "logdir = '" + logs + "'",
                ""));
        Path pcpConf = dir.resolve("pcp.conf");
        Files.writeString(pcpConf, USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n");
        Path pass = dir.resolve("pcppass");
        Files.writeString(pass, "*:*:" + USER + ":" + PASSWORD + "\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        env = Map.of("PCPPASSFILE", pass.toString(), "TZ", "UTC");
        terminal.environment.putAll(env);

        ProcessBuilder builder = new ProcessBuilder(PgpoolTools.locate("pgpool").toString(), "-n", "-f",
                conf.toString(), "-F", pcpConf.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(dir.resolve("pgpool.log").toFile());
        pgpool = builder.start();
        awaitPort(pcpPort);
    }

    /** Our stop command ends the real pgpool-II; killed only if it did not. */
    @AfterAll
    void stopPgpool() throws Exception {
        if (pgpool == null) {
            return;
        }
        boolean stopped = false;
        if (pgpool.isAlive()) {
            int exit = terminal.run("pcp", "stop_pgpool", "-m", "fast", "-h", "127.0.0.1", "-p",
                    Integer.toString(pcpPort), "-U", USER, "-w");
            stopped = exit == 0 && terminal.out().equals("pcp_stop_pgpool -- Command Successful\n")
                    && pgpool.waitFor(20, TimeUnit.SECONDS);
        }
        if (pgpool.isAlive()) {
            pgpool.destroy();
            if (!pgpool.waitFor(15, TimeUnit.SECONDS)) {
                pgpool.destroyForcibly();
            }
        }
        assertThat(stopped).as("pgpool-II stopped by 'tidepool pcp stop_pgpool -m fast'").isTrue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!pgpool.isAlive()) {
                fail("pgpool-II exited at start:\n" + Files.readString(dir.resolve("pgpool.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        fail("pgpool-II did not open its PCP port:\n" + Files.readString(dir.resolve("pgpool.log")));
    }

    /** Runs pgpool-II's tool and ours with the same arguments; both must print the same. */
    private void assertSameAsPgpool(String tool, String... args) throws Exception {
        List<String> common = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(pcpPort), "-U", USER,
                "-w"));
        common.addAll(List.of(args));
        PgpoolTools.Result theirs = PgpoolTools.run(env, "pcp_" + tool, common.toArray(String[]::new));
        // Two failures to connect would also print the same; make sure pgpool-II answered.
        assertThat(theirs.stdout() + theirs.stderr()).isNotEmpty().doesNotContain("failed with error");
        List<String> ours = new ArrayList<>(List.of(tool, "--server-version", "4.3"));
        ours.addAll(common);
        int exit = terminal.run("pcp", ours.toArray(String[]::new));
        assertThat(terminal.out()).as("stdout of %s %s", tool, common).isEqualTo(theirs.stdout());
        assertThat(terminal.err()).as("stderr of %s %s", tool, common).isEqualTo(theirs.stderr());
        assertThat(exit).as("exit code of %s %s", tool, common).isEqualTo(theirs.exitCode());
    }

    @Test
    void nodeCountMatches() throws Exception {
        assertSameAsPgpool("node_count");
        assertSameAsPgpool("node_count", "-v");
    }

    @Test
    void nodeInfoMatches() throws Exception {
        assertSameAsPgpool("node_info");
        assertSameAsPgpool("node_info", "-v", "-n", "1");
        assertSameAsPgpool("node_info", "-n", "5");
    }

    @Test
    void processReportsMatch() throws Exception {
        assertSameAsPgpool("proc_count");
        assertSameAsPgpool("proc_count", "-v");
        assertSameAsPgpool("proc_info", "-a");
        assertSameAsPgpool("proc_info");
    }

    @Test
    void poolStatusMatches() throws Exception {
        assertSameAsPgpool("pool_status");
        assertSameAsPgpool("pool_status", "-v");
    }

    @Test
    void healthCheckStatsMatch() throws Exception {
        assertSameAsPgpool("health_check_stats", "-n", "0");
        assertSameAsPgpool("health_check_stats", "-v", "-n", "1");
        assertSameAsPgpool("health_check_stats", "-n", "7");
    }

    @Test
    void errorsMatch() throws Exception {
        assertSameAsPgpool("watchdog_info");
        assertSameAsPgpool("promote_node", "-n", "1");
    }

    @Test
    void reloadMatches() throws Exception {
        assertSameAsPgpool("reload_config");
    }
}
