package io.tidepool.server;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.Md5Hash;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.PgEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real server jar ({@code target/*-server.jar}, built by {@code package} before failsafe
 * runs) started as operators start it, in a child JVM, in front of a harness primary and
 * standby: foreground and detached start, pid file, reload, stop modes, signals, configuration
 * errors, and the engine behind it seen through pgpool-II's own pcp tools (node list, stop,
 * the status file with and without {@code -D}, {@code -F}).
 */
class ProxyMainIT {
    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(1);

    private static final String PCP_USER = "pcpadmin";
    private static final String PCP_PASSWORD = "pcp-secret";

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path config;
    private int port;
    private int pcpPort;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void writeConfig() throws IOException {
        port = freePort();
        pcpPort = freePort();
        config = dir.resolve("pgpool.conf");
        writeConfig(port, "warning");
    }

    @AfterEach
    void killLeftovers() {
        // A detached server is not our child: find it through the pid file.
        PidFile.at(dir.resolve("run/tidepool.pid")).readPid().stream()
                .mapToObj(ProcessHandle::of).forEach(p -> p.ifPresent(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
    }

    private void writeConfig(int listenPort, String minMessages) throws IOException {
        writeConfig(listenPort, minMessages, List.of());
    }

    /** Raw mode over the primary alone, PCP on its own free port; {@code extra} lines are appended. */
    private void writeConfig(int listenPort, String minMessages, List<String> extra) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "listen_addresses = '127.0.0.1'",
                "port = " + listenPort,
                "backend_clustering_mode = 'raw'",
                "backend_hostname0 = '" + pg.primary().host() + "'",
                "backend_port0 = " + pg.primary().port(),
                "pid_file_name = 'run/tidepool.pid'", // relative: to the directory of pgpool.conf
                "work_dir = 'run'",
                "log_directory = 'log'",
                "log_min_messages = " + minMessages,
                "pcp_listen_addresses = '127.0.0.1'",
                "pcp_port = " + pcpPort,
                // pcp_client_version is left at 'auto': the server finds the pcp tools installed here
                // (Debian's 4.3) and serves their node-info layout
                "pcp_socket_dir = ''"));
        lines.addAll(extra);
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        Files.createDirectories(dir.resolve("run"));
    }

    /** Streaming replication over the harness primary (node 0) and standby (node 1), checked every second. */
    private void writeStreamingConfig() throws IOException {
        String user = pg.cluster().superuser();
        String password = pg.cluster().superuserPassword();
        writeConfig(port, "info", List.of(
                "backend_clustering_mode = 'streaming_replication'",
                "backend_hostname1 = '" + pg.nodes().get(1).host() + "'",
                "backend_port1 = " + pg.nodes().get(1).port(),
                "health_check_period = 1",
                "health_check_user = '" + user + "'",
                "health_check_password = '" + password + "'",
                "sr_check_period = 1",
                "sr_check_user = '" + user + "'",
                "sr_check_password = '" + password + "'",
                "search_primary_node_timeout = 30"));
    }

    @Test
    void foregroundServerServesQueriesReloadsAndStopsFast() throws Exception {
        Process server = startForeground();
        awaitListening(port);
        PidFile pidFile = PidFile.at(dir.resolve("run/tidepool.pid"));
        assertThat(pidFile.readPid()).hasValue(server.pid());

        assertThat(psqlThroughProxy("select 40 + 2").stdout().trim()).isEqualTo("42");

        writeConfig(port, "debug1");
        CommandResult reload = serverJar("-f", config.toString(), "reload");
        assertThat(reload.exitCode()).as(reload.describe() + "\nserver output:\n" + Files.readString(dir.resolve("server.out")))
                .isZero();
        assertThat(reload.stdout()).contains("configuration reloaded", "changed: log_min_messages");
        assertThat(psqlThroughProxy("select 1").exitCode()).isZero();

        writeConfig(freePort(), "debug1");
        reload = serverJar("-f", config.toString(), "reload");
        assertThat(reload.exitCode()).as(reload.describe()).isZero();
        assertThat(reload.stdout()).contains("changed: port", "needs a restart to take effect: port");
        assertThat(psqlThroughProxy("select 1").exitCode()).as("still on the old port").isZero();

        CommandResult stop = serverJar("-f", config.toString(), "-m", "fast", "stop");
        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(stop.stdout()).contains("fast stop requested (pid " + server.pid() + ")", "stopped");
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
        assertThat(dir.resolve("run/tidepool.pid")).doesNotExist();
    }

    @Test
    void detachedStartReturnsOnceListeningAndSmartStopEndsIt() throws Exception {
        CommandResult start = serverJar("-f", config.toString());
        assertThat(start.exitCode()).as(start.describe()).isZero();
        assertThat(start.stdout()).contains("started (pid ", "listening on 127.0.0.1:" + port,
                "output goes to " + dir.resolve("log/tidepool-stderr.log"));

        // Returned only after binding: the port answers at once.
        assertThat(psqlThroughProxy("select 'detached'").stdout().trim()).isEqualTo("detached");
        OptionalLong pid = PidFile.at(dir.resolve("run/tidepool.pid")).readPid();
        assertThat(pid).isPresent();
        assertThat(start.stdout()).contains("(pid " + pid.getAsLong() + ")");

        CommandResult stop = serverJar("-f", config.toString(), "stop");
        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(stop.stdout()).contains("smart stop requested");
        assertThat(ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void detachedStartReportsAPortThatIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            CommandResult start = serverJar("-f", config.toString());
            assertThat(start.exitCode()).isEqualTo(1);
            assertThat(start.stderr()).contains("tidepool: start-up failed");
        }
        assertThat(dir.resolve("run/tidepool.pid")).as("released after the failure").doesNotExist();
    }

    @Test
    void secondServerWithTheSamePidFileIsRefused() throws Exception {
        Process first = startForeground();
        awaitListening(port);

        CommandResult second = serverJar("-n", "-f", config.toString());
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.stderr()).contains("another Tidepool is running with pid " + first.pid()
                + " (pid file " + dir.resolve("run/tidepool.pid") + ")");
        assertThat(first.isAlive()).isTrue();
    }

    @Test
    void stalePidFileIsReplaced() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("run/tidepool.pid"), gone.pid() + "\n");

        Process server = startForeground();
        awaitListening(port);
        assertThat(PidFile.at(dir.resolve("run/tidepool.pid")).readPid()).hasValue(server.pid());
    }

    @Test
    void signalsStopLikePgpool() throws Exception {
        Process server = startForeground();
        awaitListening(port);
        assertThat(ControlSignal.SMART_STOP.sendTo(server.pid())).isTrue(); // kill -TERM
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("server.out"))).contains("received smart shutdown request");

        server = startForeground();
        awaitListening(port);
        assertThat(ControlSignal.IMMEDIATE_STOP.sendTo(server.pid())).isTrue(); // kill -USR1
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("server.out"))).contains("received immediate shutdown request");
    }

    @Test
    void loggingCollectorWritesTheLogToItsFilesInsteadOfStderr() throws Exception {
        Files.writeString(config, Files.readString(config)
                + "logging_collector = on\nlog_filename = 'tidepool-%Y.log'\nlog_min_messages = info\n");
        Process server = startForeground();
        awaitListening(port);
        Path logFile = dir.resolve("log/tidepool-" + java.time.Year.now() + ".log");
        Instant deadline = Instant.now().plus(WAIT);
        while (!(Files.exists(logFile) && Files.readString(logFile).contains("started")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(logFile)).containsPattern("LOG:  Tidepool .* started \\(pid " + server.pid() + "\\)");
        assertThat(Files.readString(dir.resolve("server.out"))).doesNotContain("started (pid");
    }

    @Test
    void discardStatusRemovesPgpoolStatus() throws Exception {
        Files.writeString(dir.resolve("run/pgpool_status"), "down\n");
        startForeground("-D");
        awaitListening(port);
        // The old file is gone; the engine writes the statuses it starts with: the node is up.
        awaitFileContent(dir.resolve("run/pgpool_status"), "up\n");
    }

    @Test
    void brokenConfigIsRefusedWithEveryProblemAndExitCode3() throws Exception {
        Files.writeString(config, "port = abc\nnum_init_children = -5\nlisten_addresses = '127.0.0.1'\n");
        CommandResult start = serverJar("-n", "-f", config.toString());
        assertThat(start.exitCode()).isEqualTo(3);
        assertThat(start.stderr()).contains("pgpool.conf:1:", "pgpool.conf:2:", "port", "num_init_children");
    }

    @Test
    void reloadOfABrokenConfigLeavesTheServerRunning() throws Exception {
        Process server = startForeground();
        awaitListening(port);
        int brokenLine = Files.readAllLines(config).size() + 1;
        Files.writeString(config, Files.readString(config) + "load_balance_mode = perhaps\n");

        CommandResult reload = serverJar("-f", config.toString(), "reload");
        assertThat(reload.exitCode()).isEqualTo(3);
        assertThat(reload.stderr()).contains("pgpool.conf:" + brokenLine + ":", "load_balance_mode");
        assertThat(server.isAlive()).isTrue();
        assertThat(psqlThroughProxy("select 1").exitCode()).isZero();
    }

    @Test
    void stopWithoutARunningServerSaysWhy() throws Exception {
        CommandResult stop = serverJar("-f", config.toString(), "stop");
        assertThat(stop.exitCode()).isEqualTo(1);
        assertThat(stop.stderr()).contains("no running Tidepool found: pid file " + dir.resolve("run/tidepool.pid")
                + " does not exist");
    }

    // ---- the engine behind the server: PCP, status file ----------------------------------------

    @Test
    void pgpoolPcpToolsSeeBothNodesAndPcpStopPgpoolEndsTheProcess() throws Exception {
        writeStreamingConfig();
        writePcpConf(dir.resolve("pcp.conf"));
        Process server = startForeground();
        awaitListening(port);
        awaitListening(pcpPort);

        assertThat(pcp("pcp_node_count").stdout()).isEqualTo("2\n");
        String time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";
        assertThat(pcp("pcp_node_info", "-n", "0").stdout()).matches("127\\.0\\.0\\.1 " + pg.primary().port()
                + " [12] 0\\.500000 (up|waiting) up primary primary 0 none none " + time + "\n");
        awaitPcpOutput(Duration.ofSeconds(30), "pcp_node_info -n 1 shows the standby streaming",
                out -> out.matches("127\\.0\\.0\\.1 " + pg.nodes().get(1).port()
                        + " [12] 0\\.500000 (up|waiting) up standby standby \\d+ streaming async " + time + "\n"),
                "pcp_node_info", "-n", "1");
        assertThat(psqlThroughProxy("select 'behind the engine'").stdout().trim()).isEqualTo("behind the engine");
        String version = PgpoolTools.run(Map.of(), "pcp_node_info", "--version").stdout().replaceAll(".*\\) ", "").strip();
        assertThat(Files.readString(dir.resolve("server.out")))
                .contains("pcp_client_version = 'auto': serving the node-info layout of pgpool-II " + version);

        assertThat(pcp("pcp_stop_pgpool", "-m", "fast").stdout()).isEqualTo("pcp_stop_pgpool -- Command Successful\n");
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the process exits").isTrue();
        assertThat(server.exitValue()).isZero();
        assertThat(dir.resolve("run/tidepool.pid")).doesNotExist();
        assertThat(Files.readString(dir.resolve("server.out"))).contains("received fast shutdown request");
    }

    @Test
    void fastStopOverPcpHurriesASmartStopWaitingForAClient() throws Exception {
        writeStreamingConfig();
        writePcpConf(dir.resolve("pcp.conf"));
        Process server = startForeground();
        awaitListening(port);
        awaitListening(pcpPort);
        PgEndpoint endpoint = pg.primary().endpoint().withAddress("127.0.0.1", port);
        try (java.sql.Connection client = java.sql.DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(),
                endpoint.password())) {
            assertThat(client.isValid(5)).isTrue();
            assertThat(ControlSignal.SMART_STOP.sendTo(server.pid())).isTrue(); // kill -TERM
            awaitFileContaining(dir.resolve("server.out"), "received smart shutdown request");
            assertThat(server.waitFor(2, TimeUnit.SECONDS)).as("a smart stop waits for the client").isFalse();

            assertThat(pcp("pcp_stop_pgpool", "-m", "fast").stdout())
                    .isEqualTo("pcp_stop_pgpool -- Command Successful\n");
            assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the fast stop ends it").isTrue();
            assertThat(server.exitValue()).isZero();
            assertThat(client.isValid(5)).as("the client's session was ended").isFalse();
        }
        assertThat(dir.resolve("run/tidepool.pid")).doesNotExist();
        assertThat(Files.readString(dir.resolve("server.out")))
                .contains("received fast shutdown request", "Tidepool stopped (fast shutdown)");
    }

    @Test
    void detachedNodeStaysDownAcrossARestartUnlessStartedWithD() throws Exception {
        writeStreamingConfig();
        writePcpConf(dir.resolve("pcp.conf"));
        Process server = startForeground();
        awaitListening(port);
        awaitListening(pcpPort);
        awaitPcpOutput(Duration.ofSeconds(30), "node 1 up", out -> out.contains(" up standby "),
                "pcp_node_info", "-n", "1");
        assertThat(pcp("pcp_detach_node", "-n", "1").stdout()).isEqualTo("pcp_detach_node -- Command Successful\n");
        awaitFileContent(dir.resolve("run/pgpool_status"), "up\ndown\n");
        stopFast(server);

        server = startForeground();
        awaitListening(port);
        awaitListening(pcpPort);
        // Restored from pgpool_status; a down node is not checked, so its PostgreSQL state is unknown.
        assertThat(pcp("pcp_node_info", "-n", "1").stdout()).as("restored from pgpool_status")
                .contains(" 3 0.500000 down unknown standby ");
        assertThat(psqlThroughProxy("select 1").exitCode()).isZero();
        stopFast(server);
        assertThat(Files.readString(dir.resolve("run/pgpool_status"))).isEqualTo("up\ndown\n");

        server = startForeground("-D");
        awaitListening(port);
        awaitListening(pcpPort);
        awaitPcpOutput(Duration.ofSeconds(30), "node 1 up after -D", out -> out.matches(".* [12] 0\\.500000 (up|waiting) up standby .*\n"),
                "pcp_node_info", "-n", "1");
        awaitFileContent(dir.resolve("run/pgpool_status"), "up\nup\n");
        stopFast(server);
    }

    @Test
    void pcpConfGivenWithFIsTheOneUsed() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).resolve("my-pcp.conf");
        writePcpConf(elsewhere);
        assertThat(dir.resolve("pcp.conf")).as("nothing next to pgpool.conf").doesNotExist();
        Process server = startForeground("-F", elsewhere.toString());
        awaitListening(port);
        awaitListening(pcpPort);

        assertThat(pcp("pcp_node_count").stdout()).isEqualTo("1\n");
        PgpoolTools.Result wrong = PgpoolTools.run(pcpEnvironment("not-the-password"), "pcp_node_count",
                "-h", "127.0.0.1", "-p", Integer.toString(pcpPort), "-U", PCP_USER, "-w");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.stderr()).contains("authentication failed for user \"" + PCP_USER + "\"",
                "username and/or password does not match");
        stopFast(server);
    }

    @Test
    void pcpReloadConfigReloadsLikeSighupAndKeepsTheFOverride() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).resolve("my-pcp.conf");
        writePcpConf(elsewhere);
        Process server = startForeground("-F", elsewhere.toString());
        awaitListening(port);
        awaitListening(pcpPort);

        writeConfig(port, "debug1");
        assertThat(pcp("pcp_reload_config").stdout()).isEqualTo("pcp_reload_config -- Command Successful\n");
        java.util.Optional<ReloadReport> report = ReloadReport.read(dir.resolve("run/tidepool.pid.reload"));
        assertThat(report).hasValueSatisfying(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.changed()).containsExactly("log_min_messages");
        });
        assertThat(pcp("pcp_node_count").stdout()).as("pcp.conf of -F still used").isEqualTo("1\n");

        Files.writeString(config, Files.readString(config) + "load_balance_mode = perhaps\n");
        PgpoolTools.Result refused = PgpoolTools.run(pcpEnvironment(PCP_PASSWORD), "pcp_reload_config",
                "-h", "127.0.0.1", "-p", Integer.toString(pcpPort), "-U", PCP_USER, "-w");
        // pgpool-II's tool prints the error but exits 0 all the same (4.3.5); the message is what counts.
        assertThat(refused.stdout()).doesNotContain("Command Successful");
        assertThat(refused.stderr()).contains("ERROR:  reloading the configuration failed",
                "pgpool.conf:" + Files.readAllLines(config).size() + ": invalid value 'perhaps' for load_balance_mode");
        assertThat(psqlThroughProxy("select 1").exitCode()).as("still serving").isZero();
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void configWithoutBackendsIsRefusedWithTheReason() throws Exception {
        Files.writeString(config, "listen_addresses = '127.0.0.1'\nport = " + port + "\n");
        CommandResult start = serverJar("-n", "-f", config.toString());
        assertThat(start.exitCode()).isEqualTo(3);
        assertThat(start.stderr()).contains("pgpool.conf: no backend is configured; set backend_hostname0 and backend_port0");
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void writePcpConf(Path file) throws IOException {
        Files.writeString(file, PCP_USER + ":" + Md5Hash.pcpConfValue(PCP_PASSWORD) + "\n");
    }

    private Map<String, String> pcpEnvironment(String password) throws IOException {
        Path pcppass = dir.resolve("pcppass-" + Integer.toHexString(password.hashCode()));
        Files.writeString(pcppass, "*:*:" + PCP_USER + ":" + password + "\n");
        Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
        return Map.of("PCPPASSFILE", pcppass.toString(), "TZ", "UTC");
    }

    /** One of pgpool-II's pcp tools against the server's PCP port; it must succeed. */
    private PgpoolTools.Result pcp(String tool, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(pcpPort), "-U", PCP_USER, "-w"));
        all.addAll(List.of(args));
        PgpoolTools.Result result = PgpoolTools.run(pcpEnvironment(PCP_PASSWORD), tool, all.toArray(String[]::new));
        assertThat(result.exitCode()).as(tool + " exit status; stderr: " + result.stderr()).isZero();
        return result;
    }

    private void awaitPcpOutput(Duration timeout, String what, Predicate<String> condition, String tool, String... args)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String last = pcp(tool, args).stdout();
        while (!condition.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + ": not within " + timeout + "; last output: " + last);
            }
            Thread.sleep(200);
            last = pcp(tool, args).stdout();
        }
    }

    private static void awaitFileContent(Path file, String expected) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (!(Files.exists(file) && Files.readString(file).equals(expected)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(file).hasContent(expected);
    }

    private static void awaitFileContaining(Path file, String text) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (!(Files.exists(file) && Files.readString(file).contains(text)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(file)).contains(text);
    }

    private void stopFast(Process server) throws Exception {
        CommandResult stop = serverJar("-f", config.toString(), "-m", "fast", "stop");
        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(dir.resolve("run/tidepool.pid")).doesNotExist();
    }

    private CommandResult psqlThroughProxy(String sql) {
        PgEndpoint endpoint = pg.primary().endpoint().withAddress("127.0.0.1", port);
        return PgClients.psql(endpoint, sql);
    }

    private Process startForeground(String... extraOptions) throws IOException {
        List<String> command = new ArrayList<>(javaJar());
        command.addAll(List.of("-n", "-f", config.toString()));
        command.addAll(List.of(extraOptions));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        started.add(process);
        return process;
    }

    private CommandResult serverJar(String... args) {
        List<String> command = new ArrayList<>(javaJar());
        command.addAll(List.of(args));
        return ExternalCommand.of(command).timeout(Duration.ofSeconds(120)).run();
    }

    private static List<String> javaJar() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", serverJar().toString());
    }

    private static Path serverJar() {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target").toAbsolutePath(), "*-server.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no target/*-server.jar: run the integration tests with 'mvn verify'");
    }

    private void awaitListening(int listenPort) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", listenPort), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the server never listened on " + listenPort + "; its output:\n"
                + Files.readString(dir.resolve("server.out")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
