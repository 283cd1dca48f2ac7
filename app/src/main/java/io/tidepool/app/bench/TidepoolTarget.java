package io.tidepool.app.bench;

import io.tidepool.auth.Md5Hash;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tidepool as it is deployed: the headless server ({@code io.tidepool.server.ProxyMain}, what
 * {@code ./tidepool proxy} runs) in a process of its own, with enough sessions for every pgbench
 * client ({@code num_init_children}). Two set-ups:
 * <ul>
 *   <li>{@link #raw}: raw mode in front of the primary;</li>
 *   <li>{@link #streaming}: streaming-replication mode with reads balanced over every node with
 *       equal weights, health check off and replication delay checked at the default period, as
 *       pgpool-II is configured beside it;</li>
 *   <li>{@link #streamingToPrimary}: the same with {@code load_balance_mode = off}, every
 *       statement on the primary. Beside PgBouncer it measures the relay alone (both reach the
 *       same server the same way); beside {@link #streaming} what spreading the reads costs or
 *       gains on this machine.</li>
 * </ul>
 *
 * <p>Why a process, and in a session of its own ({@code setsid}): Linux's scheduler shares the CPUs
 * between sessions first (autogroup), then between the processes of a session. PgBouncer and
 * PostgreSQL each detach into their own session; a proxy running inside this JVM would share one
 * session's CPU share with pgbench, and be measured against peers that do not.
 */
final class TidepoolTarget implements BenchTarget {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String MAIN_CLASS = "io.tidepool.server.ProxyMain";

    private final String name;
    private final Path directory;
    private final int port;
    private final boolean writes;
    private Process process;
    private Thread exitHook;
    private boolean closed;

    private TidepoolTarget(String name, Path directory, int port, boolean writes) {
        this.name = name;
        this.directory = directory;
        this.port = port;
        this.writes = writes;
    }

    /** @param tuning Tidepool-only settings of the run (worker_threads, io_transport), quoted */
    static TidepoolTarget raw(String backendHost, int backendPort, int maxClients, Map<String, String> tuning,
                              Path directory) throws IOException {
        Map<String, String> settings = commonSettings(maxClients, tuning, directory);
        settings.put("backend_clustering_mode", "'raw'");
        settings.put("backend_hostname0", quoted(backendHost));
        settings.put("backend_port0", Integer.toString(backendPort));
        settings.put("backend_flag0", "'ALLOW_TO_FAILOVER'");
        return launch("tidepool", settings, directory, true);
    }

    /**
     * @param nodes  the cluster's nodes, the primary first
     * @param tuning Tidepool-only settings of the run (worker_threads, io_transport), quoted
     */
    static TidepoolTarget streaming(List<LocalNode> nodes, String user, String password, int maxClients,
                                    Map<String, String> tuning, Path directory) throws IOException {
        return launch("tidepool", streamingSettings(nodes, user, password, maxClients, tuning, directory, true),
                directory, true);
    }

    /**
     * {@link #streaming} without load balancing, for select-only rows only (a tpcb-like row would
     * repeat {@link #streaming}'s, whose writes reach the primary anyway).
     */
    static TidepoolTarget streamingToPrimary(List<LocalNode> nodes, String user, String password, int maxClients,
                                             Map<String, String> tuning, Path directory) throws IOException {
        return launch("tidepool-primary", streamingSettings(nodes, user, password, maxClients, tuning, directory,
                false), directory, false);
    }

    private static Map<String, String> streamingSettings(List<LocalNode> nodes, String user, String password,
                                                         int maxClients, Map<String, String> tuning, Path directory,
                                                         boolean loadBalance) throws IOException {
        Map<String, String> settings = commonSettings(maxClients, tuning, directory);
        settings.put("backend_clustering_mode", "'streaming_replication'");
        settings.put("load_balance_mode", loadBalance ? "on" : "off");
        for (int i = 0; i < nodes.size(); i++) {
            settings.put("backend_hostname" + i, quoted(nodes.get(i).host()));
            settings.put("backend_port" + i, Integer.toString(nodes.get(i).port()));
            settings.put("backend_weight" + i, "1");
            settings.put("backend_flag" + i, "'ALLOW_TO_FAILOVER'");
        }
        settings.put("sr_check_user", quoted(user));
        settings.put("sr_check_password", quoted(password));
        return settings;
    }

    private static Map<String, String> commonSettings(int maxClients, Map<String, String> tuning, Path directory)
            throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "'127.0.0.1'");
        settings.put("port", Integer.toString(PgBouncerTarget.freePort()));
        settings.put("unix_socket_directories", "''");
        settings.put("pcp_listen_addresses", "'127.0.0.1'");
        settings.put("pcp_port", Integer.toString(PgBouncerTarget.freePort()));
        settings.put("pcp_socket_dir", "''");
        settings.put("num_init_children", Integer.toString(maxClients + 8));
        settings.putAll(tuning);
        settings.put("work_dir", quoted(directory.toString()));
        settings.put("pid_file_name", quoted(directory.resolve("tidepool.pid").toString()));
        settings.put("log_min_messages", "warning");
        return settings;
    }

    private static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Writes pgpool.conf and pcp.conf into {@code directory}, starts the server, waits until it serves. */
    private static TidepoolTarget launch(String name, Map<String, String> settings, Path directory, boolean writes) {
        StringBuilder conf = new StringBuilder("# written by ./tidepool bench\n");
        settings.forEach((setting, value) -> conf.append(setting).append(" = ").append(value).append('\n'));
        TidepoolTarget target = new TidepoolTarget(name, directory, Integer.parseInt(settings.get("port")), writes);
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("pgpool.conf"), conf, StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("pcp.conf"), "bench:" + Md5Hash.pcpConfValue("bench") + "\n",
                    StandardCharsets.UTF_8);
            target.start();
            return target;
        } catch (IOException e) {
            target.close();
            throw new UncheckedIOException("cannot start Tidepool in " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private void start() throws IOException {
        List<String> argv = new ArrayList<>();
        ExternalCommand.onPath("setsid").ifPresent(setsid -> argv.add(setsid.toString()));
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MAIN_CLASS,
                "-n", "-D", "-f", directory.resolve("pgpool.conf").toString()));
        process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("tidepool.log").toFile()))
                .start();
        // A bench stopped with Ctrl-C must not leave the server behind.
        Process started = process;
        exitHook = new Thread(started::destroyForcibly, "tidepool-bench-target-exit");
        Runtime.getRuntime().addShutdownHook(exitHook);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Tidepool exited with status " + process.exitValue() + ":\n" + logTail());
            }
            try (Connection c = connect(2); Statement s = c.createStatement()) {
                s.execute("select 1");
                return;
            } catch (SQLException e) {
                sleep(200);
            }
        }
        throw new IllegalStateException("Tidepool did not accept connections within " + START_TIMEOUT.toSeconds()
                + " s:\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("tidepool.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Tidepool to start", e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean runs(BenchWorkload workload) {
        return writes || workload == BenchWorkload.SELECT_ONLY;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    /** Stops the server as {@code ./tidepool stop -m fast} would (SIGINT), forcibly after 15 s. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (exitHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway.
            }
        }
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
