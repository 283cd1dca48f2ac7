package io.tidepool.harness;

import io.tidepool.auth.Md5Hash;
import io.tidepool.ops.local.ExternalCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Debian's pgpool-II ({@code /usr/sbin/pgpool}, package {@code pgpool2}) started as a peer in
 * front of PostgreSQL servers that are already running: a generated {@code pgpool.conf} in a
 * temporary directory, streaming-replication mode, health check and streaming-replication check
 * every second, PCP on a free loopback port with user {@value #PCP_USER}. Runs as the OS user
 * {@code postgres} when the JVM is root (pgpool-II and the servers should not run as root).
 *
 * <p>Use: {@code try (DebianPgpool p = DebianPgpool.start(backends, "postgres")) { ... }}. A
 * missing package is a test failure with the install command, never a skip.
 */
public final class DebianPgpool implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/pgpool");
    public static final String PCP_USER = "pcpadmin";
    public static final String PCP_PASSWORD = "pcp-secret";
    private static final String RUN_AS = "postgres";

    /**
     * A PostgreSQL server pgpool-II should front. {@code applicationName} is the standby's
     * {@code application_name} in {@code primary_conninfo}: pgpool-II finds the standby's row of
     * {@code pg_stat_replication} by it (replication_state, replication_sync_state).
     */
    public record Backend(String host, int port, String applicationName) {
    }

    private final Path dir;
    private final int port;
    private final int pcpPort;
    private final String user;
    private final boolean switchUser;
    private Process process;

    private DebianPgpool(Path dir, int port, int pcpPort, String user, boolean switchUser) {
        this.dir = dir;
        this.port = port;
        this.pcpPort = pcpPort;
        this.user = user;
        this.switchUser = switchUser;
    }

    /** Fails with an AssertionError naming the package when pgpool-II is not installed. */
    public static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("Debian's pgpool-II is required for this test but " + BINARY
                    + " is missing; install it with 'apt-get install pgpool2' (./tidepool test does this)");
        }
    }

    /**
     * Starts pgpool-II in front of {@code backends} (node ids in list order) and waits until it
     * answers {@code SHOW pool_nodes} as {@code user}.
     */
    public static DebianPgpool start(List<Backend> backends, String user) {
        requireInstalled();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("tidepool-pgpool-");
            int port = freePort();
            int pcpPort = freePort();
            Files.writeString(dir.resolve("pgpool.conf"), config(dir, port, pcpPort, backends, user));
            Files.writeString(dir.resolve("pcp.conf"), PCP_USER + ":" + Md5Hash.pcpConfValue(PCP_PASSWORD) + "\n");
            Files.writeString(dir.resolve("pool_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
            Path pcppass = dir.resolve("pcppass");
            Files.writeString(pcppass, "*:" + pcpPort + ":" + PCP_USER + ":" + PCP_PASSWORD + "\n");
            Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
            if (root) {
                run(List.of("chown", "-R", RUN_AS + ":" + RUN_AS, dir.toString()));
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            DebianPgpool pgpool = new DebianPgpool(dir, port, pcpPort, user, root);
            try {
                pgpool.launch();
            } catch (IOException | RuntimeException | AssertionError e) {
                pgpool.close();
                throw e;
            }
            return pgpool;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Debian's pgpool-II: " + e.getMessage(), e);
        }
    }

    private void launch() throws IOException {
        List<String> argv = new ArrayList<>(List.of(BINARY.toString(), "-n", "-D",
                "-f", dir.resolve("pgpool.conf").toString(),
                "-F", dir.resolve("pcp.conf").toString(),
                "-a", dir.resolve("pool_hba.conf").toString()));
        process = new ProcessBuilder(asServerUser(argv, switchUser))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pgpool.log").toFile()))
                .start();
        awaitReady(user, Duration.ofSeconds(30));
    }

    /** Stops pgpool-II (fast) and leaves it stopped; {@link #start()} brings it back on the same ports. */
    public void stop() {
        if (process != null && process.isAlive()) {
            try {
                run(asServerUser(List.of(BINARY.toString(), "-f", dir.resolve("pgpool.conf").toString(),
                        "-m", "fast", "stop"), switchUser));
            } catch (RuntimeException e) {
                // Fall through to killing the process.
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts pgpool-II again after {@link #stop()}, with the same configuration and ports. */
    public void start() {
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart pgpool-II: " + e.getMessage(), e);
        }
    }

    private static String config(Path dir, int port, int pcpPort, List<Backend> backends, String user) {
        StringBuilder c = new StringBuilder();
        c.append("# generated by the Tidepool tests\n");
        c.append("backend_clustering_mode = 'streaming_replication'\n");
        c.append("listen_addresses = '127.0.0.1'\n");
        c.append("port = ").append(port).append('\n');
        c.append("socket_dir = '").append(dir).append("'\n");
        c.append("pcp_listen_addresses = '127.0.0.1'\n");
        c.append("pcp_port = ").append(pcpPort).append('\n');
        c.append("pcp_socket_dir = '").append(dir).append("'\n");
        c.append("wd_ipc_socket_dir = '").append(dir).append("'\n");
        c.append("pid_file_name = '").append(dir.resolve("pgpool.pid")).append("'\n");
        c.append("logdir = '").append(dir).append("'\n");
        c.append("memqcache_oiddir = '").append(dir.resolve("oiddir")).append("'\n");
        c.append("enable_pool_hba = on\n");
        c.append("num_init_children = 8\n");
        c.append("max_pool = 2\n");
        c.append("load_balance_mode = on\n");
        c.append("sr_check_period = 1\n");
        c.append("sr_check_user = '").append(user).append("'\n");
        c.append("sr_check_database = 'postgres'\n");
        c.append("health_check_period = 1\n");
        c.append("health_check_timeout = 2\n");
        c.append("health_check_user = '").append(user).append("'\n");
        c.append("health_check_database = 'postgres'\n");
        c.append("health_check_max_retries = 0\n");
        c.append("connect_timeout = 2000\n");
        c.append("failover_on_backend_error = on\n");
        c.append("search_primary_node_timeout = 10\n");
        c.append("auto_failback = off\n");
        c.append("use_watchdog = off\n");
        c.append("log_min_messages = warning\n");
        for (int i = 0; i < backends.size(); i++) {
            Backend b = backends.get(i);
            c.append("backend_hostname").append(i).append(" = '").append(b.host()).append("'\n");
            c.append("backend_port").append(i).append(" = ").append(b.port()).append('\n');
            c.append("backend_weight").append(i).append(" = 1\n");
            c.append("backend_flag").append(i).append(" = 'ALLOW_TO_FAILOVER'\n");
            c.append("backend_application_name").append(i).append(" = '").append(b.applicationName()).append("'\n");
        }
        return c.toString();
    }

    private void awaitReady(String user, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("pgpool-II exited with status " + process.exitValue() + ":\n" + logTail());
            }
            try (Connection c = connect(user); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW pool_nodes")) {
                if (rs.next()) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            sleep(200);
        }
        String tail = logTail();
        stop();
        throw new AssertionError("pgpool-II did not answer SHOW pool_nodes within " + timeout.toSeconds() + " s"
                + (last == null ? "" : " (" + last.getMessage() + ")") + ":\n" + tail);
    }

    /** A simple-protocol connection through pgpool-II (SHOW pool_* needs it). */
    public Connection connect(String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    /** The rows of SHOW pool_nodes, each as column name = value, read straight from pgpool-II. */
    public List<java.util.Map<String, String>> showPoolNodes(String user) throws SQLException {
        try (Connection c = connect(user); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW pool_nodes")) {
            List<java.util.Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    public int port() {
        return port;
    }

    public int pcpPort() {
        return pcpPort;
    }

    public Path directory() {
        return dir;
    }

    /** A {@code .pcppass} file (mode 0600) with this pgpool-II's PCP credentials. */
    public Path pcpPassFile() {
        return dir.resolve("pcppass");
    }

    /** The last lines pgpool-II logged, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("pgpool.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no pgpool-II log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
        try {
            run(List.of("rm", "-rf", dir.toString()));
        } catch (RuntimeException e) {
            // Best effort: a temp directory left behind is not worth failing a test over.
        }
    }

    private static List<String> asServerUser(List<String> argv, boolean switchUser) {
        if (!switchUser) {
            return argv;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", RUN_AS, "--"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Runs a short command to its end; a failure or a hang past 20 s is a LocalClusterException. */
    private static void run(List<String> argv) {
        ExternalCommand.of(argv).timeout(Duration.ofSeconds(20)).run().orThrow(argv.get(0));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
