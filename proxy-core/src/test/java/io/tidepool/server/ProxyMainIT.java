package io.tidepool.server;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real server jar ({@code target/*-server.jar}, built by {@code package} before failsafe
 * runs) started as operators start it, in a child JVM, in front of a harness primary:
 * foreground and detached start, pid file, reload, stop modes, signals, configuration errors.
 */
class ProxyMainIT {
    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(0);

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path config;
    private int port;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void writeConfig() throws IOException {
        port = freePort();
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
        Files.writeString(config, String.join("\n",
                "listen_addresses = '127.0.0.1'",
                "port = " + listenPort,
                "backend_clustering_mode = 'raw'",
                "backend_hostname0 = '" + pg.primary().host() + "'",
                "backend_port0 = " + pg.primary().port(),
                "pid_file_name = 'run/tidepool.pid'", // relative: to the directory of pgpool.conf
                "work_dir = 'run'",
                "log_directory = 'log'",
                "log_min_messages = " + minMessages,
                ""));
        Files.createDirectories(dir.resolve("run"));
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
        assertThat(reload.exitCode()).as(reload.describe()).isZero();
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
        assertThat(dir.resolve("run/pgpool_status")).doesNotExist();
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
        Files.writeString(config, Files.readString(config) + "load_balance_mode = perhaps\n");

        CommandResult reload = serverJar("-f", config.toString(), "reload");
        assertThat(reload.exitCode()).isEqualTo(3);
        assertThat(reload.stderr()).contains("pgpool.conf:10:", "load_balance_mode");
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

    // ---- helpers ---------------------------------------------------------------------------

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
