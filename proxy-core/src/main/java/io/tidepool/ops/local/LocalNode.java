package io.tidepool.ops.local;

import io.tidepool.server.ShutdownMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One PostgreSQL server of a {@link LocalCluster}: its directories, its port, and the controls
 * failure tests need ({@link #stop}, {@link #kill}, {@link #start}, {@link #promote}).
 *
 * <p>Layout: {@code <cluster>/<name>/data} (the data directory), {@code <cluster>/<name>/server.log}
 * (everything the server writes to stderr, via {@code pg_ctl -l}); the Unix socket lives in the
 * cluster's shared socket directory. The port is fixed once the cluster is built, so a node
 * comes back on the same port after a kill or restart.
 *
 * <p>Controls are blocking and bounded by the cluster's timeouts. They are not meant to be
 * called concurrently for the same node.
 */
public final class LocalNode {

    /** Every server listens here only: test traffic never leaves the machine. */
    public static final String HOST = "127.0.0.1";

    private final LocalCluster cluster;
    private final String name;
    private final Path nodeDirectory;
    private volatile int port;

    LocalNode(LocalCluster cluster, String name, int port) {
        this.cluster = cluster;
        this.name = name;
        this.nodeDirectory = cluster.baseDirectory().resolve(name);
        this.port = port;
    }

    public String name() {
        return name;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    void port(int newPort) {
        this.port = newPort;
    }

    public Path dataDirectory() {
        return nodeDirectory.resolve("data");
    }

    Path nodeDirectory() {
        return nodeDirectory;
    }

    /** Where the server's Unix socket ({@code .s.PGSQL.<port>}) is. */
    public Path socketDirectory() {
        return cluster.socketDirectory();
    }

    public Path logFile() {
        return nodeDirectory.resolve("server.log");
    }

    public LocalCluster cluster() {
        return cluster;
    }

    /** The cluster's superuser on database {@code postgres} of this node. */
    public PgEndpoint endpoint() {
        return new PgEndpoint(HOST, port, cluster.superuser(), cluster.superuserPassword(), "postgres");
    }

    public String jdbcUrl() {
        return endpoint().jdbcUrl();
    }

    /**
     * The superuser over the Unix socket: {@code host} is the socket directory, as {@code psql -h}
     * and libpq take it (not usable as a pgJDBC URL).
     */
    public PgEndpoint socketEndpoint() {
        return new PgEndpoint(socketDirectory().toString(), port, cluster.superuser(), cluster.superuserPassword(), "postgres");
    }

    // ---------------------------------------------------------------- control

    /** Starts the server and waits until it accepts connections (a standby: until it is consistent). */
    public void start() {
        CommandResult result = tryStart();
        if (!result.succeeded()) {
            throw new LocalClusterException("starting " + this + " failed (exit status " + result.exitCode() + ")\n"
                    + result.describe() + "\n" + logTailForMessage());
        }
    }

    /** One {@code pg_ctl start}; the caller decides what a failure means (the cluster retries port clashes). */
    CommandResult tryStart() {
        if (isRunning()) {
            throw new LocalClusterException(this + " is already running (pid " + postmasterPid().orElse(-1L) + ")");
        }
        // A postmaster.pid left by a kill is PostgreSQL's to judge (it also guards against old
        // backends still attached to shared memory). Only when the kernel has given its pid to
        // another program would PostgreSQL refuse to start for good: remove it then.
        boolean pidReused = postmasterPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isPresent();
        if (pidReused) {
            try {
                Files.deleteIfExists(dataDirectory().resolve("postmaster.pid"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long seconds = cluster.startTimeout().toSeconds();
        return cluster.serverCommand(List.of(cluster.binaries().pgCtl().toString(), "start",
                        "-D", dataDirectory().toString(), "-l", logFile().toString(), "-w", "-t", Long.toString(seconds)))
                .timeout(cluster.startTimeout().plusSeconds(15))
                .run();
    }

    /** Stops the server in {@code mode} and waits until it is gone; a stopped node is left alone. */
    public void stop(ShutdownMode mode) {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return;
        }
        List<ProcessHandle> processes = new ArrayList<>();
        processes.add(postmaster.get());
        postmaster.get().descendants().forEach(processes::add);
        long seconds = cluster.startTimeout().toSeconds();
        CommandResult result = cluster.serverCommand(List.of(cluster.binaries().pgCtl().toString(), "stop",
                        "-D", dataDirectory().toString(), "-m", mode.name().toLowerCase(Locale.ROOT),
                        "-w", "-t", Long.toString(seconds)))
                .timeout(cluster.startTimeout().plusSeconds(15))
                .run();
        if (!result.succeeded() && isRunning()) {
            throw new LocalClusterException("stopping " + this + " (" + mode + ") failed\n" + result.describe()
                    + "\n" + logTailForMessage());
        }
        // pg_ctl returns once postmaster.pid is gone, a moment before the processes have exited.
        awaitExit(processes, Duration.ofSeconds(10));
    }

    private static void awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle process : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                process.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalClusterException("interrupted", e);
            }
        }
    }

    /** {@link #stop(ShutdownMode)} in fast mode. */
    public void stop() {
        stop(ShutdownMode.FAST);
    }

    /**
     * SIGKILLs the postmaster and every process below it, as a crashed host would leave it:
     * clients see their connections reset, nothing is flushed, {@code postmaster.pid} stays.
     * {@link #start()} then goes through crash recovery. Does nothing when the node is not running.
     */
    public void kill() {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isEmpty()) {
            return;
        }
        ExternalCommand.killTree(postmaster.get());
        // Children notice the postmaster's death on their own too; make sure none lingers holding shared memory.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && isRunning()) {
            sleep(Duration.ofMillis(50));
        }
    }

    /** Fast stop, then start. */
    public void restart() {
        stop(ShutdownMode.FAST);
        start();
    }

    /** Promotes a standby ({@code pg_ctl promote -w}): it leaves recovery and accepts writes. */
    public void promote() {
        long seconds = cluster.startTimeout().toSeconds();
        cluster.serverCommand(List.of(cluster.binaries().pgCtl().toString(), "promote",
                        "-D", dataDirectory().toString(), "-w", "-t", Long.toString(seconds)))
                .timeout(cluster.startTimeout().plusSeconds(15))
                .run()
                .orThrow("promoting " + this);
    }

    /**
     * Makes this running standby stream from {@code newPrimary} ({@code ALTER SYSTEM SET
     * primary_conninfo} and a reload; the WAL receiver restarts on its own). Following the new
     * primary's timeline works because {@code recovery_target_timeline} is {@code latest}.
     */
    public void followPrimary(LocalNode newPrimary) {
        execute("ALTER SYSTEM SET primary_conninfo = " + LocalCluster.literal(cluster.standbyConninfo(this, newPrimary))
                + "; SELECT pg_reload_conf()");
    }

    /**
     * Turns this stopped (or killed) former primary into a standby of {@code newPrimary} with
     * {@code pg_rewind}, keeping its port and settings; start it afterwards. This is the cheap
     * way back after a failover; {@link #rebuildAsStandbyOf} is the sure one.
     */
    public void rewind(LocalNode newPrimary) {
        cluster.rewind(this, newPrimary);
    }

    /** Stops this node, replaces its data with a fresh {@code pg_basebackup} of {@code newPrimary} and starts it as a standby. */
    public void rebuildAsStandbyOf(LocalNode newPrimary) {
        cluster.rebuildAsStandby(this, newPrimary);
    }

    /** Re-reads {@code postgresql.conf} and {@code pg_hba.conf} ({@code pg_ctl reload}); a stopped node is left alone. */
    public void reload() {
        if (!isRunning()) {
            return;
        }
        cluster.serverCommand(List.of(cluster.binaries().pgCtl().toString(), "reload", "-D", dataDirectory().toString()))
                .timeout(Duration.ofSeconds(30))
                .run()
                .orThrow("reloading " + this);
    }

    /** True while the postmaster named in {@code postmaster.pid} is alive. */
    public boolean isRunning() {
        return postmaster().isPresent();
    }

    /**
     * The live postmaster of this node. A {@code postmaster.pid} left by a killed server may name a
     * pid the kernel has since given to another program; that one is not ours.
     */
    private Optional<ProcessHandle> postmaster() {
        return postmasterPid().flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(true));
    }

    /** The postmaster's process id from {@code postmaster.pid}, when the file exists. */
    public Optional<Long> postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory().resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- SQL

    /** A new pgJDBC connection as the cluster's superuser to database {@code postgres}; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect(endpoint());
    }

    public Connection connect(String database) throws SQLException {
        return connect(endpoint().withDatabase(database));
    }

    public Connection connect(String user, String password, String database) throws SQLException {
        return connect(new PgEndpoint(HOST, port, user, password, database));
    }

    /** A new pgJDBC connection (10 s connect timeout, 120 s socket timeout, no SSL); the caller closes it. */
    public static Connection connect(PgEndpoint endpoint) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", endpoint.user());
        if (!endpoint.password().isEmpty()) {
            props.setProperty("password", endpoint.password());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", "120");
        props.setProperty("sslmode", "disable");
        props.setProperty("ApplicationName", "tidepool-local-cluster");
        return DriverManager.getConnection(endpoint.jdbcUrl(), props);
    }

    /** Runs one or more statements (simple query protocol) as the superuser. */
    public void execute(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw sqlFailure(sql, e);
        }
    }

    /** Runs a query as the superuser; each row as its columns' text (SQL NULL as {@code null}). */
    public List<List<String>> query(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<List<String>> result = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>(meta.getColumnCount());
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(rows.getString(i));
                }
                result.add(java.util.Collections.unmodifiableList(row));
            }
            return List.copyOf(result);
        } catch (SQLException e) {
            throw sqlFailure(sql, e);
        }
    }

    /** The first column of the first row, empty when there is no row or it is NULL. */
    public Optional<String> queryValue(String sql) {
        List<List<String>> rows = query(sql);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0).get(0));
    }

    /** {@code pg_is_in_recovery()}: true for a standby. */
    public boolean isInRecovery() {
        return "t".equals(queryValue("select pg_is_in_recovery()").orElse("f"));
    }

    private LocalClusterException sqlFailure(String sql, SQLException e) {
        return new LocalClusterException("SQL on " + this + " failed: " + e.getMessage() + " [SQLSTATE "
                + e.getSQLState() + "]\nstatement: " + sql, e);
    }

    // ---------------------------------------------------------------- logs

    /** The last {@code lines} lines of the server log (empty when there is no log yet). Reads at most its last 256 KiB. */
    public List<String> logTail(int lines) {
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(logFile().toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTailForMessage() {
        List<String> tail = logTail(30);
        if (tail.isEmpty()) {
            return "(" + logFile() + " is empty or missing)";
        }
        return "last lines of " + logFile() + ":\n  " + String.join("\n  ", tail);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalClusterException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "node " + name + " (" + HOST + ":" + port + ")";
    }
}
