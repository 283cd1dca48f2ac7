package io.tidepool.ops.local;

import io.tidepool.server.ShutdownMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A PostgreSQL primary and N streaming standbys made from the local PostgreSQL binaries, on
 * free loopback ports, in one directory. The demo, the benchmark and the tests all build their
 * clusters here.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().standbys(2).build()) {   // temporary directory
 *     cluster.primary().execute("create table t (id int)");
 *     cluster.awaitCaughtUp();
 *     cluster.standby(1).kill();
 *     cluster.standby(1).start();
 *     cluster.awaitStreaming();
 * }                                                                            // stopped and deleted
 * }</pre>
 *
 * <p>How a cluster is built: the directories ({@link ClusterLayout}); {@code initdb} (UTF-8,
 * C locale, optional data checksums) for {@code node0}; its configuration files
 * ({@link NodeFiles}: loopback only, WAL for replication and {@code pg_rewind}, speed over
 * durability; {@code pg_hba.conf} from the chosen {@link AuthMethod}s); a replication role; a
 * base backup for each standby ({@link StandbyProvisioner}); {@code pg_ctl -w start} for every
 * node; then a wait until every standby streams ({@link ReplicationWaiter}). A port taken by
 * someone else between choosing and binding it is retried with a new port. Every step has a
 * timeout, and a failure carries the command output and the tail of the node's server log.
 *
 * <p>When the JVM runs as root, the servers run as another OS user (see {@link ServerUser}).
 *
 * <p>Lifetime: a temporary cluster (the default) lives in {@code $TMPDIR/tidepool-cluster-<pid>-*}
 * and is destroyed by {@link #close()} and, failing that, when the JVM exits
 * ({@link ClusterExitActions}); clusters left by a JVM that was killed are found by
 * {@link #removeAbandonedTemporaryClusters()}. A cluster in a given directory
 * ({@link Builder#directory}) persists ({@link ClusterDescriptor}): {@link #open} finds it
 * again, {@link #start()} starts it, {@link #close()} only stops it, {@link #destroy()} removes it.
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    /** Name prefix of temporary cluster directories; the owner JVM's pid follows. */
    public static final String TEMPORARY_PREFIX = "tidepool-cluster-";
    /** Parent of temporary clusters when set, else {@code java.io.tmpdir}. */
    public static final String TMPDIR_PROPERTY = "tidepool.cluster.tmpdir";

    /** What happens to a cluster still open when the JVM exits (normally or by SIGTERM/SIGINT). */
    public enum ExitAction { DESTROY, STOP, LEAVE_RUNNING }

    private final Path baseDirectory;
    private final Path socketDirectory;
    private final boolean temporary;
    private final PgBinaries binaries;
    private final ServerUser serverUser;
    private final String superuser;
    private final String superuserPassword;
    private final String replicationUser;
    private final String replicationPassword;
    private final Duration startTimeout;
    private final Duration streamingTimeout;
    private final List<LocalNode> nodes = new ArrayList<>();
    private volatile AuthMethod localAuth;
    private volatile AuthMethod hostAuth;
    private volatile List<String> customHbaRules = List.of();
    private volatile boolean destroyed;
    private final ExitAction exitAction;
    private final NodeFiles files;
    private final StandbyProvisioner standbyProvisioner;

    private LocalCluster(Path baseDirectory, Path socketDirectory, boolean temporary, PgBinaries binaries,
                         ServerUser serverUser, Properties described, Map<String, String> extraSettings,
                         Duration startTimeout, Duration streamingTimeout, ExitAction exitAction) {
        this.baseDirectory = baseDirectory;
        this.socketDirectory = socketDirectory;
        this.temporary = temporary;
        this.binaries = binaries;
        this.serverUser = serverUser;
        this.superuser = described.getProperty("superuser");
        this.superuserPassword = described.getProperty("superuser.password");
        this.replicationUser = described.getProperty("replication.user");
        this.replicationPassword = described.getProperty("replication.password");
        this.localAuth = AuthMethod.valueOf(described.getProperty("auth.local"));
        this.hostAuth = AuthMethod.valueOf(described.getProperty("auth.host"));
        this.startTimeout = startTimeout;
        this.streamingTimeout = streamingTimeout;
        this.exitAction = exitAction;
        this.files = new NodeFiles(serverUser, socketDirectory, extraSettings);
        this.standbyProvisioner = new StandbyProvisioner(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- accessors

    public Path baseDirectory() {
        return baseDirectory;
    }

    public Path socketDirectory() {
        return socketDirectory;
    }

    public boolean isTemporary() {
        return temporary;
    }

    public PgBinaries binaries() {
        return binaries;
    }

    public ServerUser serverUser() {
        return serverUser;
    }

    public String superuser() {
        return superuser;
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    public String replicationUser() {
        return replicationUser;
    }

    public String replicationPassword() {
        return replicationPassword;
    }

    Duration startTimeout() {
        return startTimeout;
    }

    ExitAction exitAction() {
        return exitAction;
    }

    NodeFiles files() {
        return files;
    }

    /** Every node, the primary ({@code node0}) first. */
    public List<LocalNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The node built as primary ({@code node0}); after a {@link LocalNode#promote()} see {@link #findPrimary()}. */
    public LocalNode primary() {
        return nodes.get(0);
    }

    /** The nodes built as standbys, in order. */
    public List<LocalNode> standbys() {
        return List.copyOf(nodes.subList(1, nodes.size()));
    }

    /** Standby number {@code i}, counted from 1 (so {@code standby(1)} is {@code node1}, as in pgpool's backend numbering). */
    public LocalNode standby(int i) {
        if (i < 1 || i >= nodes.size()) {
            throw new IllegalArgumentException("no standby " + i + "; this cluster has " + (nodes.size() - 1));
        }
        return nodes.get(i);
    }

    public LocalNode node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + this));
    }

    /** The running node that is not in recovery, if exactly one is. */
    public Optional<LocalNode> findPrimary() {
        List<LocalNode> primaries = nodes.stream().filter(LocalNode::isRunning).filter(n -> !n.isInRecovery()).toList();
        return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
    }

    // ---------------------------------------------------------------- building

    private static LocalCluster create(Builder b) {
        PgBinaries binaries = b.binaries != null ? b.binaries : PgBinaries.locate();
        ServerUser user = ServerUser.forThisProcess();
        Path base = b.directory == null ? ClusterLayout.createTemporaryBase() : ClusterLayout.createPersistentBase(b.directory);
        Path sockets = ClusterLayout.socketDirectoryFor(base);
        Properties described = new Properties();
        described.setProperty("superuser", b.superuser);
        described.setProperty("superuser.password", b.superuserPassword);
        described.setProperty("replication.user", b.replicationUser);
        described.setProperty("replication.password", b.replicationPassword);
        described.setProperty("auth.local", b.localAuth.name());
        described.setProperty("auth.host", b.hostAuth.name());
        described.setProperty("socket.directory", sockets.toString());
        ClusterDescriptor.putSettings(described, b.settings);
        ExitAction exit = b.exitAction != null ? b.exitAction : (b.directory == null ? ExitAction.DESTROY : ExitAction.LEAVE_RUNNING);
        LocalCluster cluster = new LocalCluster(base, sockets, b.directory == null, binaries, user, described,
                b.settings, b.startTimeout, b.streamingTimeout, exit);
        ClusterExitActions.register(cluster);
        try {
            cluster.initialize(b, described);
        } catch (RuntimeException e) {
            try {
                cluster.destroy();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return cluster;
    }

    private void initialize(Builder b, Properties described) {
        long started = System.nanoTime();
        ClusterLayout.prepare(baseDirectory, socketDirectory, b.standbys + 1, serverUser);

        List<Integer> ports = FreePorts.pick(b.standbys + 1);
        for (int i = 0; i <= b.standbys; i++) {
            nodes.add(new LocalNode(this, "node" + i, ports.get(i)));
        }
        LocalNode primary = primary();
        initdb(primary, b.dataChecksums);
        writeConfiguration(primary);
        startFresh(primary);
        primary.execute("CREATE ROLE " + ident(replicationUser) + " WITH REPLICATION LOGIN PASSWORD " + literal(replicationPassword));
        for (LocalNode standby : standbys()) {
            standbyProvisioner.baseBackup(standby, primary);
            writeConfiguration(standby);
            startFresh(standby);
        }
        writeDescriptor(described);
        awaitStreaming();
        log.info("local cluster ready in {} ms: {} ({}, servers run as {})",
                Duration.ofNanos(System.nanoTime() - started).toMillis(), this, binaries, serverUser);
    }

    private void initdb(LocalNode node, boolean dataChecksums) {
        Path pwfile = baseDirectory.resolve(".superuser-password");
        files.writeServerFile(pwfile, superuserPassword + "\n");
        try {
            List<String> argv = new ArrayList<>(List.of(binaries.initdb().toString(),
                    "-D", node.dataDirectory().toString(), "-U", superuser, "--pwfile=" + pwfile,
                    "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"));
            if (dataChecksums) {
                argv.add("--data-checksums");
            }
            serverCommand(argv).timeout(Duration.ofMinutes(3)).run().orThrow("initdb for " + node);
        } finally {
            try {
                Files.deleteIfExists(pwfile);
            } catch (IOException ignored) {
                // Inside the cluster directory; removed with it.
            }
        }
        files.appendInclude(node);
    }

    /** How {@code standby} connects to {@code primary} for streaming: the replication role, its node name as application_name. */
    String standbyConninfo(LocalNode standby, LocalNode primary) {
        return standbyProvisioner.conninfo(standby, primary);
    }

    void rewind(LocalNode target, LocalNode newPrimary) {
        checkNotDestroyed();
        standbyProvisioner.rewind(target, newPrimary);
    }

    void rebuildAsStandby(LocalNode target, LocalNode newPrimary) {
        checkNotDestroyed();
        standbyProvisioner.rebuild(target, newPrimary);
    }

    /** Writes the node's own {@code tidepool.conf} and {@code pg_hba.conf}. */
    void writeConfiguration(LocalNode node) {
        files.writeSettings(node);
        files.writeHba(node, localAuth, hostAuth, customHbaRules);
    }

    /** Starts a node for the first time; a port someone else grabbed meanwhile is replaced by a new one. */
    private void startFresh(LocalNode node) {
        for (int attempt = 1; ; attempt++) {
            CommandResult result = node.tryStart();
            if (result.succeeded()) {
                return;
            }
            String tail = String.join("\n", node.logTail(30));
            boolean portClash = tail.contains("could not bind") || tail.contains("Address already in use")
                    || tail.contains("could not create any TCP/IP sockets");
            if (!portClash || attempt >= 3) {
                throw new LocalClusterException("starting " + node + " failed (exit status " + result.exitCode() + ")\n"
                        + result.describe() + "\n" + node.logTailForMessage());
            }
            int newPort = FreePorts.pick(1).get(0);
            log.info("port {} of {} was taken meanwhile; retrying on {}", node.port(), node.name(), newPort);
            node.port(newPort);
            files.writeSettings(node);
        }
    }

    /** Rewrites the descriptor with the current ports and authentication methods. */
    private void saveDescriptor() {
        ClusterDescriptor.read(baseDirectory).ifPresent(this::writeDescriptor);
    }

    private void writeDescriptor(Properties described) {
        ClusterDescriptor.write(baseDirectory, described, nodes, localAuth, hostAuth);
    }

    // ---------------------------------------------------------------- reopening

    /** True when {@code directory} holds a cluster made by {@link Builder#directory}. */
    public static boolean exists(Path directory) {
        return ClusterDescriptor.existsIn(directory);
    }

    /** The cluster in {@code directory}, as it is (running or not); {@link #start()} starts it. */
    public static LocalCluster open(Path directory) {
        return open(directory, PgBinaries.locate());
    }

    public static LocalCluster open(Path directory, PgBinaries binaries) {
        Path base = directory.toAbsolutePath().normalize();
        Properties described = ClusterDescriptor.read(base).orElseThrow(() ->
                new LocalClusterException("no local cluster in " + base + " (" + ClusterDescriptor.FILE + " missing)"));
        LocalCluster cluster = new LocalCluster(base, Path.of(described.getProperty("socket.directory")), false, binaries,
                ServerUser.forThisProcess(), described, ClusterDescriptor.settings(described), Duration.ofSeconds(60),
                Duration.ofSeconds(60), ExitAction.LEAVE_RUNNING);
        for (String name : ClusterDescriptor.nodeNames(described)) {
            cluster.nodes.add(new LocalNode(cluster, name, ClusterDescriptor.port(described, name)));
        }
        return cluster;
    }

    // ---------------------------------------------------------------- whole-cluster control

    /**
     * Starts every stopped node, the primary first, and waits until every standby streams. A
     * node whose port has been taken meanwhile (a cluster reopened days later) moves to a free
     * one; standbys then follow the primary's new port, and the new ports are saved.
     */
    public void start() {
        checkNotDestroyed();
        ClusterLayout.restoreSocketDirectory(socketDirectory, serverUser);
        LocalNode primary = primary();
        int primaryPort = primary.port();
        boolean moved = false;
        if (!primary.isRunning()) {
            startFresh(primary);
            moved = primary.port() != primaryPort;
        }
        for (LocalNode standby : standbys()) {
            if (!standby.isRunning()) {
                int port = standby.port();
                if (primary.port() != primaryPort) {
                    files.appendPrimaryConninfo(standby, standbyConninfo(standby, primary));
                }
                startFresh(standby);
                moved |= standby.port() != port;
            }
        }
        if (moved) {
            saveDescriptor();
        }
        awaitStreaming();
    }

    /** Stops every node in {@code mode}, standbys first (a primary stopping first makes them retry and log noise). */
    public void stop(ShutdownMode mode) {
        List<LocalNode> order = new ArrayList<>(standbys());
        order.add(primary());
        for (LocalNode node : order) {
            node.stop(mode);
        }
    }

    /** Waits until every standby that is running streams from {@link #primary()}. */
    public void awaitStreaming() {
        awaitStreaming(primary(), standbys().stream().filter(LocalNode::isRunning).toList(), streamingTimeout);
    }

    /** Waits until each of {@code standbys} shows up as {@code streaming} in {@code primary}'s {@code pg_stat_replication}. */
    public void awaitStreaming(LocalNode primary, List<LocalNode> standbys) {
        awaitStreaming(primary, standbys, streamingTimeout);
    }

    public void awaitStreaming(LocalNode primary, List<LocalNode> standbys, Duration timeout) {
        ReplicationWaiter.awaitStreaming(primary, standbys, timeout);
    }

    /** Waits until every running standby has replayed everything {@link #primary()} has written so far. */
    public void awaitCaughtUp() {
        awaitCaughtUp(primary(), standbys());
    }

    /** Waits until each running node of {@code standbys} has replayed everything {@code primary} has written so far. */
    public void awaitCaughtUp(LocalNode primary, List<LocalNode> standbys) {
        ReplicationWaiter.awaitCaughtUp(primary, standbys, streamingTimeout);
    }

    // ---------------------------------------------------------------- roles, databases, authentication

    /** Creates a login role on the primary, its password stored as SCRAM; {@code roleOptions} such as {@code SUPERUSER}, {@code CREATEDB}. */
    public void createUser(String name, String password, String... roleOptions) {
        createUser(name, password, PasswordStorage.SCRAM_SHA_256, roleOptions);
    }

    public void createUser(String name, String password, PasswordStorage storage, String... roleOptions) {
        primary().execute("SET password_encryption = '" + storage.setting() + "'; CREATE ROLE " + ident(name)
                + " LOGIN PASSWORD " + literal(password) + (roleOptions.length == 0 ? "" : " " + String.join(" ", roleOptions)));
    }

    public void createDatabase(String name, String owner) {
        primary().execute("CREATE DATABASE " + ident(name) + " OWNER " + ident(owner));
    }

    public AuthMethod localAuth() {
        return localAuth;
    }

    public AuthMethod hostAuth() {
        return hostAuth;
    }

    /** Rewrites {@code pg_hba.conf} of every node with these methods and reloads the running nodes. */
    public void setHbaMethod(AuthMethod local, AuthMethod host) {
        this.localAuth = Objects.requireNonNull(local);
        this.hostAuth = Objects.requireNonNull(host);
        rewriteHbaEverywhere();
        saveDescriptor();
    }

    /**
     * Puts {@code rules} (whole {@code pg_hba.conf} lines) before the standard ones on every node
     * and reloads; an empty list removes them. The first matching line wins.
     */
    public void setHbaRules(List<String> rules) {
        this.customHbaRules = List.copyOf(rules);
        rewriteHbaEverywhere();
    }

    private void rewriteHbaEverywhere() {
        checkNotDestroyed();
        for (LocalNode node : nodes) {
            files.writeHba(node, localAuth, hostAuth, customHbaRules);
            node.reload();
        }
    }

    // ---------------------------------------------------------------- tear-down

    /** Stops every node at once and deletes the cluster directory. Idempotent. */
    public void destroy() {
        destroyed = true;
        ClusterExitActions.forget(this);
        List<String> problems = new ArrayList<>();
        for (LocalNode node : nodes) {
            try {
                node.stop(ShutdownMode.IMMEDIATE);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
            if (node.isRunning()) {
                node.kill();
            }
        }
        ClusterDirectories.killServersUnder(baseDirectory);
        ClusterDirectories.deleteTree(baseDirectory, problems);
        if (!socketDirectory.startsWith(baseDirectory)) {
            ClusterDirectories.deleteTree(socketDirectory, problems);
        }
        if (Files.exists(baseDirectory)) {
            throw new LocalClusterException("could not remove " + baseDirectory + ": " + problems);
        }
    }

    /** A temporary cluster is destroyed; one in a given directory is stopped (fast) and kept. */
    @Override
    public void close() {
        if (destroyed) {
            return;
        }
        if (temporary) {
            destroy();
        } else {
            ClusterExitActions.forget(this);
            stop(ShutdownMode.FAST);
        }
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException(this + " was destroyed");
        }
    }

    /**
     * Removes temporary clusters whose owning JVM is gone (killed before it could clean up):
     * SIGKILLs their servers and deletes their directories. Clusters of live JVMs, other test
     * runs included, are left alone. Returns the directories removed.
     */
    public static List<Path> removeAbandonedTemporaryClusters() {
        return ClusterDirectories.removeAbandoned(ClusterLayout.temporaryParent());
    }

    /** SIGKILLs every server whose data directory is under {@code base} and deletes {@code base}. */
    public static void forceRemove(Path base) {
        ClusterDirectories.forceRemove(base);
    }

    // ---------------------------------------------------------------- helpers

    /** A command that runs as the server user, from the cluster directory (which that user can enter). */
    ExternalCommand serverCommand(List<String> argv) {
        return serverUser.command(argv).directory(baseDirectory);
    }

    /** A SQL identifier, always quoted. */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A SQL string literal (standard_conforming_strings is on). */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return "local cluster " + baseDirectory + " " + nodes.stream().map(n -> n.name() + ":" + n.port())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    // ---------------------------------------------------------------- builder

    /** Options for a new cluster; every one has a default fit for tests. */
    public static final class Builder {
        private int standbys = 2;
        private Path directory;
        private PgBinaries binaries;
        private String superuser = "postgres";
        private String superuserPassword = "postgres";
        private String replicationUser = "replicator";
        private String replicationPassword = "replicator";
        private AuthMethod localAuth = AuthMethod.TRUST;
        private AuthMethod hostAuth = AuthMethod.TRUST;
        private boolean dataChecksums;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration streamingTimeout = Duration.ofSeconds(60);
        private ExitAction exitAction;

        private Builder() {
        }

        /** Number of streaming standbys (default 2); 0 gives a lone primary. */
        public Builder standbys(int count) {
            if (count < 0 || count > 16) {
                throw new IllegalArgumentException("standbys must be 0..16, was " + count);
            }
            this.standbys = count;
            return this;
        }

        /** A persistent cluster in this directory (created; must be empty or absent). Default: a temporary directory. */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** Default: {@link PgBinaries#locate()}. */
        public Builder binaries(PgBinaries pgBinaries) {
            this.binaries = pgBinaries;
            return this;
        }

        /** The bootstrap superuser (default {@code postgres}/{@code postgres}). */
        public Builder superuser(String name, String password) {
            this.superuser = name;
            this.superuserPassword = password;
            return this;
        }

        /** The role standbys stream as (default {@code replicator}/{@code replicator}). */
        public Builder replicationUser(String name, String password) {
            this.replicationUser = name;
            this.replicationPassword = password;
            return this;
        }

        /** The {@code pg_hba.conf} method for Unix-socket and TCP connections alike (default trust). */
        public Builder auth(AuthMethod method) {
            return auth(method, method);
        }

        public Builder auth(AuthMethod local, AuthMethod host) {
            this.localAuth = Objects.requireNonNull(local);
            this.hostAuth = Objects.requireNonNull(host);
            return this;
        }

        /** {@code initdb --data-checksums} (default off; {@code wal_log_hints} is on either way, for pg_rewind). */
        public Builder dataChecksums(boolean enabled) {
            this.dataChecksums = enabled;
            return this;
        }

        /** One {@code postgresql.conf} setting, written as given (quote strings yourself: {@code "'1s'"}). */
        public Builder setting(String name, String value) {
            this.settings.put(name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder streamingTimeout(Duration timeout) {
            this.streamingTimeout = timeout;
            return this;
        }

        /** Default: {@code DESTROY} for temporary clusters, {@code LEAVE_RUNNING} for a given directory. */
        public Builder atExit(ExitAction action) {
            this.exitAction = action;
            return this;
        }

        /** Creates, starts and waits for streaming; on failure nothing is left behind. */
        public LocalCluster build() {
            return create(this);
        }
    }
}
