package io.tidepool.app.demo;

import io.tidepool.harness.PgClients;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.PgEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./tidepool demo} end to end, through the launcher jar built by {@code package}: create,
 * connect through the proxy, stop with a signal, start again on the kept cluster, remove with
 * {@code --down} while it runs.
 */
class DemoIT {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path temp;

    private Path folder;
    private int port;
    private final List<Process> demos = new ArrayList<>();

    @BeforeEach
    void choosePort() throws IOException {
        // The servers may run as another OS user (the tests run as root): @TempDir is 0700.
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        folder = temp.resolve("demo");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
    }

    @AfterEach
    void cleanUp() {
        demos.forEach(Process::destroyForcibly);
        if (Files.exists(folder.resolve("cluster"))) {
            LocalCluster.forceRemove(folder.resolve("cluster"));
        }
    }

    @Test
    void createsServesStopsRestartsAndRemovesTheDemo() throws Exception {
        Process first = startDemo("first.out");
        String banner = awaitOutput(first, "first.out", "Press Ctrl-C to stop");
        assertThat(banner).contains("Creating a primary and 2 streaming standbys",
                "psql -h 127.0.0.1 -p " + port + " -U postgres postgres", "node0  primary", "node1  standby",
                "node2  standby", "Configuration: " + folder.resolve("pgpool.conf"));
        assertThat(psql("select 'through the proxy'").stdout().trim()).isEqualTo("through the proxy");

        first.destroy(); // SIGTERM, as a service manager would
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isZero();
        assertThat(Files.readString(folder.resolve("first.out"))).contains("Stopped. The cluster is kept in " + folder);
        assertThat(LocalCluster.exists(folder.resolve("cluster"))).isTrue();

        Process second = startDemo("second.out");
        assertThat(awaitOutput(second, "second.out", "Press Ctrl-C to stop"))
                .contains("Starting the demo cluster in " + folder.resolve("cluster"))
                .doesNotContain("Creating");
        assertThat(psql("select count(*) from pg_stat_replication").stdout().trim()).isEqualTo("2");

        CommandResult secondDemo = launcher(List.of("demo", "--dir", folder.toString(), "--port", Integer.toString(port)));
        assertThat(secondDemo.exitCode()).isEqualTo(1);
        assertThat(secondDemo.stderr()).contains("a demo is already running in " + folder);

        CommandResult down = launcher(List.of("demo", "--down", "--dir", folder.toString()));
        assertThat(down.exitCode()).as(down.describe()).isZero();
        assertThat(down.stdout()).contains("Stopping the running demo", "Removed the demo in " + folder);
        assertThat(folder).doesNotExist();
    }

    private CommandResult psql(String sql) {
        return PgClients.psql(new PgEndpoint("127.0.0.1", port, "postgres", "postgres", "postgres"), sql);
    }

    private Process startDemo(String outputName) throws IOException {
        Files.createDirectories(folder);
        List<String> command = new ArrayList<>(javaJar());
        command.addAll(List.of("demo", "--dir", folder.toString(), "--port", Integer.toString(port)));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve(outputName).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        demos.add(process);
        return process;
    }

    private String awaitOutput(Process demo, String outputName, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        String output = "";
        while (Instant.now().isBefore(deadline)) {
            output = Files.readString(folder.resolve(outputName));
            if (output.contains(text)) {
                return output;
            }
            if (!demo.isAlive()) {
                throw new AssertionError("the demo exited with " + demo.exitValue() + " before printing '" + text
                        + "'; it printed:\n" + output);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the demo never printed '" + text + "'; it printed:\n" + output);
    }

    private static CommandResult launcher(List<String> args) {
        List<String> command = new ArrayList<>(javaJar());
        command.addAll(args);
        return ExternalCommand.of(command).timeout(Duration.ofMinutes(2)).run();
    }

    private static List<String> javaJar() {
        Path jar = Path.of("target", "tidepool.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": run the integration tests with 'mvn verify'");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
    }
}
