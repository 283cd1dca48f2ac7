package io.tidepool.app.bench;

import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.ExternalCommand;
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
 * Debian's pgpool-II in front of a local cluster, the peer Tidepool is measured against. Streaming
 * replication mode; a generated {@code pgpool.conf} in a directory of its own under the cluster's;
 * run as the cluster's server user when the JVM is root, as pgpool-II should. Two set-ups:
 * <ul>
 *   <li>{@link #forFailover}: for {@code bench failover}, the same health-check settings as
 *       Tidepool's run and the usual script-based failover (a {@code failover_command} that
 *       promotes the new main node with {@code pg_promote()}), no load balancing;</li>
 *   <li>{@link #forLoadBalancing}: for {@code bench streaming}, reads balanced over every node
 *       with equal weights, {@code num_init_children} as given (pgpool-II's default is 32), no
 *       health check and no failover, so that only the serving path is measured.</li>
 * </ul>
 */
final class PgpoolPeer implements BenchTarget {

    static final Path BINARY = Path.of("/usr/sbin/pgpool");

    /** pgpool-II's own default for {@code num_init_children}: the concurrent clients it serves. */
    static final int DEFAULT_NUM_INIT_CHILDREN = 32;

    private final Path dir;
    private final int port;
    private final LocalCluster cluster;
    private final int clientLimit;
    private Process process;
    private boolean closed;

    private PgpoolPeer(Path dir, int port, LocalCluster cluster, int clientLimit) {
        this.dir = dir;
        this.port = port;
        this.cluster = cluster;
        this.clientLimit = clientLimit;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** For {@code bench failover}: health check every second, {@code retries} retries, failover by script. */
    static PgpoolPeer forFailover(LocalCluster cluster, int retries) throws Exception {
        String psql = cluster.binaries().psql().toString();
        String settings = "num_init_children = 8\nmax_pool = 1\nload_balance_mode = off\n"
                + "sr_check_period = 1\n"
                + "health_check_period = 1\nhealth_check_timeout = 2\nhealth_check_user = 'postgres'\n"
                + "health_check_password = 'postgres'\nhealth_check_database = 'postgres'\n"
                + "health_check_max_retries = " + retries + "\nhealth_check_retry_delay = 1\n"
                + "connect_timeout = 1000\n"
                + "failover_command = '" + psql + " -X -q -h %H -p %r -U postgres -d postgres -c \"select pg_promote()\"'\n";
        return start(cluster, settings, 8);
    }

    /**
     * For {@code bench streaming}: load balancing over every node with equal weights, per session
     * (pgpool-II's default), {@code numInitChildren} processes with pgpool-II's default pool of
     * connections each; health check off (its default), replication delay checked at the default
     * period.
     */
    static PgpoolPeer forLoadBalancing(LocalCluster cluster, int numInitChildren) throws Exception {
        StringBuilder settings = new StringBuilder();
        settings.append("num_init_children = ").append(numInitChildren).append('\n');
        settings.append("load_balance_mode = on\n");
        for (int i = 0; i < cluster.nodes().size(); i++) {
            settings.append("backend_weight").append(i).append(" = 1\n");
        }
        return start(cluster, settings.toString(), numInitChildren);
    }

    private static PgpoolPeer start(LocalCluster cluster, String modeSettings, int clientLimit) throws Exception {
        Path dir = cluster.baseDirectory().resolve("pgpool");
        Files.createDirectories(dir);
        int port = PgBouncerTarget.freePort();
        int pcpPort = PgBouncerTarget.freePort();
        StringBuilder c = new StringBuilder();
        c.append("backend_clustering_mode = 'streaming_replication'\n");
        c.append("listen_addresses = '127.0.0.1'\nport = ").append(port).append('\n');
        c.append("socket_dir = '").append(dir).append("'\n");
        c.append("pcp_listen_addresses = '127.0.0.1'\npcp_port = ").append(pcpPort).append('\n');
        c.append("pcp_socket_dir = '").append(dir).append("'\n");
        c.append("wd_ipc_socket_dir = '").append(dir).append("'\n");
        c.append("pid_file_name = '").append(dir.resolve("pgpool.pid")).append("'\n");
        c.append("logdir = '").append(dir).append("'\n");
        c.append("enable_pool_hba = off\nuse_watchdog = off\nlog_min_messages = warning\n");
        c.append("sr_check_user = 'postgres'\nsr_check_password = 'postgres'\nsearch_primary_node_timeout = 60\n");
        c.append(modeSettings);
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
        PgpoolPeer peer = new PgpoolPeer(dir, port, cluster, clientLimit);
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
        // A session of its own, as PgBouncer and PostgreSQL detach into: the scheduler shares the CPUs
        // between sessions first, and pgbench runs in this one.
        List<String> command = new ArrayList<>(cluster.serverUser().wrap(argv));
        ExternalCommand.onPath("setsid").ifPresent(setsid -> command.add(0, setsid.toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pgpool.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgpool-II exited:\n" + logTail());
            }
            try (Connection c = connect(2); Statement s = c.createStatement()) {
                s.execute("select 1");
                return;
            } catch (SQLException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("pgpool-II did not accept connections within 30 s:\n" + logTail());
    }

    @Override
    public String name() {
        return "pgpool-II";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    /** Clients beyond {@code num_init_children} wait in the listen queue until a child is free. */
    @Override
    public int clientLimit() {
        return clientLimit;
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
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
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
