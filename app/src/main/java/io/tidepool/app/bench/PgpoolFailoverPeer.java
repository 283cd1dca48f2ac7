package io.tidepool.app.bench;

import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Debian's pgpool-II in front of a local cluster for {@code bench failover}: streaming
 * replication mode, the same health-check settings as Tidepool's run, and the usual script-based
 * failover (a {@code failover_command} that promotes the new main node with {@code pg_promote()}).
 * Runs as the cluster's server user when the JVM is root, as pgpool-II should.
 */
final class PgpoolFailoverPeer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/pgpool");

    private final Path dir;
    private final int port;
    private final LocalCluster cluster;
    private Process process;

    private PgpoolFailoverPeer(Path dir, int port, LocalCluster cluster) {
        this.dir = dir;
        this.port = port;
        this.cluster = cluster;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    static PgpoolFailoverPeer start(LocalCluster cluster, int retries) throws Exception {
        Path dir = cluster.baseDirectory().resolve("pgpool");
        Files.createDirectories(dir);
        int port = PgBouncerTarget.freePort();
        int pcpPort = PgBouncerTarget.freePort();
        String psql = cluster.binaries().psql().toString();
        StringBuilder c = new StringBuilder();
        c.append("backend_clustering_mode = 'streaming_replication'\n");
        c.append("listen_addresses = '127.0.0.1'\nport = ").append(port).append('\n');
        c.append("socket_dir = '").append(dir).append("'\n");
        c.append("pcp_listen_addresses = '127.0.0.1'\npcp_port = ").append(pcpPort).append('\n');
        c.append("pcp_socket_dir = '").append(dir).append("'\n");
        c.append("wd_ipc_socket_dir = '").append(dir).append("'\n");
        c.append("pid_file_name = '").append(dir.resolve("pgpool.pid")).append("'\n");
        c.append("logdir = '").append(dir).append("'\n");
        c.append("enable_pool_hba = off\nnum_init_children = 8\nmax_pool = 1\nload_balance_mode = off\n");
        c.append("sr_check_period = 1\nsr_check_user = 'postgres'\nsr_check_password = 'postgres'\n");
        c.append("health_check_period = 1\nhealth_check_timeout = 2\nhealth_check_user = 'postgres'\n");
        c.append("health_check_password = 'postgres'\nhealth_check_database = 'postgres'\n");
        c.append("health_check_max_retries = ").append(retries).append("\nhealth_check_retry_delay = 1\n");
        c.append("connect_timeout = 1000\nsearch_primary_node_timeout = 60\nuse_watchdog = off\n");
        c.append("log_min_messages = warning\n");
        c.append("failover_command = '").append(psql)
                .append(" -X -q -h %H -p %r -U postgres -d postgres -c \"select pg_promote()\"'\n");
        List<LocalNode> nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            LocalNode n = nodes.get(i);
            c.append("backend_hostname").append(i).append(" = '").append(n.host()).append("'\n");
            c.append("backend_port").append(i).append(" = ").append(n.port()).append('\n');
            c.append("backend_flag").append(i).append(" = 'ALLOW_TO_FAILOVER'\n");
            c.append("backend_data_directory").append(i).append(" = '").append(n.dataDirectory()).append("'\n");
            c.append("backend_application_name").append(i).append(" = '").append(n.name()).append("'\n");
        }
        Files.writeString(dir.resolve("pgpool.conf"), c.toString());
        Files.writeString(dir.resolve("pcp.conf"), "bench:" + io.tidepool.auth.Md5Hash.pcpConfValue("bench") + "\n");
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 trust\n");
        cluster.serverUser().own(dir);
        PgpoolFailoverPeer peer = new PgpoolFailoverPeer(dir, port, cluster);
        try {
            peer.launch();
        } catch (Exception e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    private void launch() throws Exception {
        List<String> argv = new ArrayList<>(List.of(BINARY.toString(), "-n", "-D", "-f",
                dir.resolve("pgpool.conf").toString(), "-F", dir.resolve("pcp.conf").toString(),
                "-a", dir.resolve("pool_hba.conf").toString()));
        process = new ProcessBuilder(cluster.serverUser().wrap(argv))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pgpool.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgpool-II exited:\n" + logTail());
            }
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("select 1");
                return;
            } catch (SQLException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("pgpool-II did not accept connections within 30 s:\n" + logTail());
    }

    int port() {
        return port;
    }

    Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "postgres");
        props.setProperty("connectTimeout", "2");
        props.setProperty("sslmode", "disable");
        props.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("pgpool.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder(cluster.serverUser().wrap(List.of(BINARY.toString(), "-f",
                    dir.resolve("pgpool.conf").toString(), "-m", "immediate", "stop")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(15, TimeUnit.SECONDS);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
