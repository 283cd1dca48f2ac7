package io.tidepool.ops.local;

import io.tidepool.server.ShutdownMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>How a cluster is built: {@code initdb} (UTF-8, C locale, optional data checksums) for
 * {@code node0}; the settings in {@code tidepool.conf} (included from {@code postgresql.conf}:
 * listen on 127.0.0.1 only, the socket in the cluster's {@code run/} directory, WAL for
 * replication, {@code wal_log_hints} so {@code pg_rewind} works, {@code fsync} and
 * {@code synchronous_commit} off for speed); {@code pg_hba.conf} from the chosen
 * {@link AuthMethod}s; a replication role; {@code pg_basebackup -R} for each standby with
 * {@code application_name} set to the node's name; {@code pg_ctl -w start} for every node;
 * then a wait until {@code pg_stat_replication} on the primary shows every standby
 * {@code streaming}. A port taken by someone else between choosing and binding it is retried
 * with a new port. Every step has a timeout, and a failure carries the command output and the
 * tail of the node's server log.
 *
 * <p>When the JVM runs as root, the servers run as another OS user (see {@link ServerUser}).
 *
 * <p>Lifetime: a temporary cluster (the default) lives in {@code $TMPDIR/tidepool-cluster-<pid>-*}
 * and is destroyed by {@link #close()} and, failing that, when the JVM exits; clusters left by a
 * JVM that was killed are found by {@link #removeAbandonedTemporaryClusters()}. A cluster in a
 * given directory ({@link Builder#directory}) persists: {@link #open} finds it again,
 * {@link #start()} starts it, {@link #close()} only stops it, {@link #destroy()} removes it.
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    /** Name prefix of temporary cluster directories; the owner JVM's pid follows. */
    public static final String TEMPORARY_PREFIX = "tidepool-cluster-";
    /** Parent of temporary clusters when set, else {@code java.io.tmpdir}. */
    public static final String TMPDIR_PROPERTY = "tidepool.cluster.tmpdir";

    static final String DESCRIPTOR = "cluster.properties";
    static final String OWNER_FILE = "owner";
    /** A Unix socket path may have at most 107 bytes; {@code /.s.PGSQL.65535.lock} takes 21 of them. */
    private static final int MAX_SOCKET_DIR_LENGTH = 85;

    private static final Set<LocalCluster> AT_EXIT = ConcurrentHashMap.newKeySet();
    private static volatile boolean exitHookInstalled;

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
    private final Map<String, String> extraSettings;
    private final Duration startTimeout;
    private final Duration streamingTimeout;
    private final List<LocalNode> nodes = new ArrayList<>();
    private volatile AuthMethod localAuth;
    private volatile AuthMethod hostAuth;
    private volatile List<String> customHbaRules = List.of();
    private volatile boolean destroyed;
    private final ExitAction exitAction;
    private final NodeFiles files;

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
        this.extraSettings = Map.copyOf(extraSettings);
        this.startTimeout = startTimeout;
        this.streamingTimeout = streamingTimeout;
        this.exitAction = exitAction;
        this.files = new NodeFiles(serverUser, socketDirectory, this.extraSettings);
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
        Path base;
        try {
            if (b.directory == null) {
                Path parent = temporaryParent();
                Files.createDirectories(parent);
                base = Files.createTempDirectory(parent, TEMPORARY_PREFIX + ProcessHandle.current().pid() + "-");
                Files.writeString(base.resolve(OWNER_FILE), ClusterDirectories.ownerStamp(ProcessHandle.current()));
            } else {
                base = b.directory.toAbsolutePath().normalize();
                if (Files.exists(base.resolve(DESCRIPTOR))) {
                    throw new LocalClusterException("a cluster already exists in " + base
                            + "; open it with LocalCluster.open(dir) or remove it with destroy()");
                }
                Files.createDirectories(base);
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
                    if (entries.iterator().hasNext()) {
                        throw new LocalClusterException("cannot create a cluster in " + base + ": the directory is not empty");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster directory", e);
        }
        Path sockets = base.resolve("run");
        if (sockets.toString().length() > MAX_SOCKET_DIR_LENGTH) {
            try {
                sockets = Files.createTempDirectory("tidepool-sock-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Properties described = new Properties();
        described.setProperty("superuser", b.superuser);
        described.setProperty("superuser.password", b.superuserPassword);
        described.setProperty("replication.user", b.replicationUser);
        described.setProperty("replication.password", b.replicationPassword);
        described.setProperty("auth.local", b.localAuth.name());
        described.setProperty("auth.host", b.hostAuth.name());
        described.setProperty("socket.directory", sockets.toString());
        b.settings.forEach((k, v) -> described.setProperty("setting." + k, v));
        ExitAction exit = b.exitAction != null ? b.exitAction : (b.directory == null ? ExitAction.DESTROY : ExitAction.LEAVE_RUNNING);
        LocalCluster cluster = new LocalCluster(base, sockets, b.directory == null, binaries, user, described,
                b.settings, b.startTimeout, b.streamingTimeout, exit);
        cluster.registerExitAction();
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
        try {
            Files.createDirectories(socketDirectory);
            for (int i = 0; i <= b.standbys; i++) {
                Files.createDirectories(baseDirectory.resolve("node" + i));
            }
            // Readable and traversable by everyone (logs, sockets: a proxy or pgpool-II started by
            // a test under another user must reach them); the data directories stay 0700.
            var open = PosixFilePermissions.fromString("rwxr-xr-x");
            Files.setPosixFilePermissions(baseDirectory, open);
            Files.setPosixFilePermissions(socketDirectory, open);
            for (int i = 0; i <= b.standbys; i++) {
                Files.setPosixFilePermissions(baseDirectory.resolve("node" + i), open);
            }
            serverUser.own(baseDirectory);
            serverUser.own(socketDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        serverUser.checkCanWrite(baseDirectory);

        List<Integer> ports = FreePorts.pick(b.standbys + 1);
        for (int i = 0; i <= b.standbys; i++) {
            nodes.add(new LocalNode(this, "node" + i, ports.get(i)));
        }
        LocalNode primary = primary();
        initdb(primary, b.dataChecksums);
        files.writeSettings(primary);
        files.writeHba(primary, localAuth, hostAuth, customHbaRules);
        startFresh(primary);
        primary.execute("CREATE ROLE " + ident(replicationUser) + " WITH REPLICATION LOGIN PASSWORD " + literal(replicationPassword));
        for (LocalNode standby : standbys()) {
            baseBackup(standby);
            files.writeSettings(standby);
            files.writeHba(standby, localAuth, hostAuth, customHbaRules);
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
        return "host=" + LocalNode.HOST + " port=" + primary.port() + " user=" + replicationUser
                + " password=" + replicationPassword + " application_name=" + standby.name();
    }

    private void baseBackup(LocalNode standby) {
        baseBackup(standby, primary());
    }

    private void baseBackup(LocalNode standby, LocalNode primary) {
        String conninfo = standbyConninfo(standby, primary);
        serverCommand(List.of(binaries.pgBasebackup().toString(), "-D", standby.dataDirectory().toString(),
                        "-d", conninfo, "-R", "-X", "stream", "-c", "fast", "--no-sync"))
                .timeout(Duration.ofMinutes(5)).run()
                .orThrow("pg_basebackup for " + standby + " from " + primary);
        Path auto = standby.dataDirectory().resolve("postgresql.auto.conf");
        try {
            String text = Files.readString(auto, StandardCharsets.UTF_8);
            if (!text.contains("application_name=" + standby.name()) && !text.contains("application_name='" + standby.name() + "'")) {
                // Older pg_basebackup versions leave application_name out of the conninfo they write.
                files.appendPrimaryConninfo(standby, conninfo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void rewind(LocalNode target, LocalNode newPrimary) {
        checkNotDestroyed();
        if (target.isRunning()) {
            throw new LocalClusterException("stop or kill " + target + " before rewinding it");
        }
        String source = "host=" + LocalNode.HOST + " port=" + newPrimary.port() + " user=" + superuser
                + " password=" + superuserPassword + " dbname=postgres application_name=" + target.name();
        // A just-promoted server records its new timeline in pg_control only at its next
        // checkpoint; before that pg_rewind sees one timeline and wrongly finds nothing to do.
        newPrimary.execute("CHECKPOINT");
        // pg_rewind runs crash recovery itself when the target was killed (PostgreSQL 13+), and
        // writes standby.signal with -R.
        serverCommand(List.of(binaries.pgRewind().toString(), "-D", target.dataDirectory().toString(),
                        "--source-server=" + source, "-R", "--no-sync"))
                .timeout(Duration.ofMinutes(5)).run()
                .orThrow("pg_rewind of " + target + " from " + newPrimary);
        // pg_rewind copied the source's configuration files: put this node's own back.
        files.writeSettings(target);
        files.writeHba(target, localAuth, hostAuth, customHbaRules);
        files.appendPrimaryConninfo(target, standbyConninfo(target, newPrimary));
    }

    void rebuildAsStandby(LocalNode target, LocalNode newPrimary) {
        checkNotDestroyed();
        target.stop(ShutdownMode.IMMEDIATE);
        target.kill();
        List<String> problems = new ArrayList<>();
        ClusterDirectories.deleteTree(target.dataDirectory(), problems);
        if (Files.exists(target.dataDirectory())) {
            throw new LocalClusterException("cannot remove " + target.dataDirectory() + ": " + problems);
        }
        baseBackup(target, newPrimary);
        files.writeSettings(target);
        files.writeHba(target, localAuth, hostAuth, customHbaRules);
        target.start();
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
        readDescriptor(baseDirectory).ifPresent(this::writeDescriptor);
    }

    private void writeDescriptor(Properties described) {
        for (LocalNode node : nodes) {
            described.setProperty("node." + node.name() + ".port", Integer.toString(node.port()));
        }
        described.setProperty("nodes", nodes.stream().map(LocalNode::name).collect(Collectors.joining(",")));
        described.setProperty("auth.local", localAuth.name());
        described.setProperty("auth.host", hostAuth.name());
        Path file = baseDirectory.resolve(DESCRIPTOR);
        try (OutputStream out = Files.newOutputStream(file)) {
            described.store(out, "Tidepool local cluster (read by LocalCluster.open)");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    // ---------------------------------------------------------------- reopening

    /** True when {@code directory} holds a cluster made by {@link Builder#directory}. */
    public static boolean exists(Path directory) {
        return Files.isRegularFile(directory.resolve(DESCRIPTOR));
    }

    /** The cluster in {@code directory}, as it is (running or not); {@link #start()} starts it. */
    public static LocalCluster open(Path directory) {
        return open(directory, PgBinaries.locate());
    }

    public static LocalCluster open(Path directory, PgBinaries binaries) {
        Path base = directory.toAbsolutePath().normalize();
        Properties described = readDescriptor(base)
                .orElseThrow(() -> new LocalClusterException("no local cluster in " + base + " (" + DESCRIPTOR + " missing)"));
        Map<String, String> settings = new LinkedHashMap<>();
        described.stringPropertyNames().stream().filter(k -> k.startsWith("setting."))
                .forEach(k -> settings.put(k.substring("setting.".length()), described.getProperty(k)));
        LocalCluster cluster = new LocalCluster(base, Path.of(described.getProperty("socket.directory")), false, binaries,
                ServerUser.forThisProcess(), described, settings, Duration.ofSeconds(60), Duration.ofSeconds(60),
                ExitAction.LEAVE_RUNNING);
        for (String name : described.getProperty("nodes").split(",")) {
            cluster.nodes.add(new LocalNode(cluster, name, Integer.parseInt(described.getProperty("node." + name + ".port"))));
        }
        return cluster;
    }

    static Optional<Properties> readDescriptor(Path base) {
        Properties described = new Properties();
        try (InputStream in = Files.newInputStream(base.resolve(DESCRIPTOR))) {
            described.load(in);
            return Optional.of(described);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- whole-cluster control

    /**
     * Starts every stopped node, the primary first, and waits until every standby streams. A
     * node whose port has been taken meanwhile (a cluster reopened days later) moves to a free
     * one; standbys then follow the primary's new port, and the new ports are saved.
     */
    public void start() {
        checkNotDestroyed();
        if (!Files.isDirectory(socketDirectory)) {
            // A socket directory outside the cluster (long paths) lives in /tmp, which a reboot empties.
            try {
                Files.createDirectories(socketDirectory);
                Files.setPosixFilePermissions(socketDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));
                serverUser.own(socketDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the socket directory " + socketDirectory, e);
            }
        }
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
        if (standbys.isEmpty()) {
            return;
        }
        Set<String> expected = standbys.stream().map(LocalNode::name).collect(Collectors.toSet());
        // A standby that cannot follow (wrong timeline) reconnects every second and is shown as
        // streaming for a moment each time: only the same walsender streaming for a while counts.
        Map<String, String> walsenderSeen = new java.util.HashMap<>();
        Map<String, Long> streamingSince = new java.util.HashMap<>();
        long steadyNanos = Duration.ofMillis(300).toNanos();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<List<String>> seen = List.of();
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                seen = primary.query("select application_name, state, pid from pg_stat_replication");
                lastError = null;
                long now = System.nanoTime();
                Set<String> steady = new java.util.HashSet<>();
                for (List<String> row : seen) {
                    String name = row.get(0);
                    if (!"streaming".equals(row.get(1))) {
                        streamingSince.remove(name);
                        continue;
                    }
                    if (!row.get(2).equals(walsenderSeen.put(name, row.get(2)))) {
                        streamingSince.put(name, now);
                    }
                    if (now - streamingSince.getOrDefault(name, now) >= steadyNanos) {
                        steady.add(name);
                    }
                }
                if (steady.containsAll(expected)) {
                    return;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            pause(Duration.ofMillis(100));
        }
        StringBuilder message = new StringBuilder("standbys " + expected + " not streaming from " + primary
                + " after " + timeout.toSeconds() + " s; pg_stat_replication (name, state, pid): " + seen);
        if (lastError != null) {
            message.append("\nlast query error: ").append(lastError.getMessage());
        }
        message.append('\n').append(primary.logTailForMessage());
        for (LocalNode standby : standbys) {
            message.append('\n').append(standby.logTailForMessage());
        }
        throw new LocalClusterException(message.toString());
    }

    /** Waits until every running standby has replayed everything {@link #primary()} has written so far. */
    public void awaitCaughtUp() {
        awaitCaughtUp(primary(), standbys());
    }

    /** Waits until each running node of {@code standbys} has replayed everything {@code primary} has written so far. */
    public void awaitCaughtUp(LocalNode primary, List<LocalNode> standbys) {
        // The insert position, not pg_current_wal_lsn(): with synchronous_commit off, a commit
        // record may still sit in the WAL buffers, beyond the write position.
        String lsn = primary.queryValue("select pg_current_wal_insert_lsn()")
                .orElseThrow(() -> new LocalClusterException("no WAL position from " + primary));
        long deadline = System.nanoTime() + streamingTimeout.toNanos();
        for (LocalNode standby : standbys) {
            if (!standby.isRunning()) {
                continue;
            }
            while (true) {
                String replayed = standby.queryValue("select pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn").orElse("f");
                if ("t".equals(replayed)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new LocalClusterException(standby + " has not replayed up to " + lsn + " after "
                            + streamingTimeout.toSeconds() + " s\n" + standby.logTailForMessage());
                }
                pause(Duration.ofMillis(50));
            }
        }
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
        AT_EXIT.remove(this);
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
            AT_EXIT.remove(this);
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
        return ClusterDirectories.removeAbandoned(temporaryParent());
    }

    /** SIGKILLs every server whose data directory is under {@code base} and deletes {@code base}. */
    public static void forceRemove(Path base) {
        ClusterDirectories.forceRemove(base);
    }

    static Path temporaryParent() {
        return Path.of(System.getProperty(TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
    }

    private void registerExitAction() {
        if (exitAction == ExitAction.LEAVE_RUNNING) {
            return;
        }
        AT_EXIT.add(this);
        if (!exitHookInstalled) {
            synchronized (AT_EXIT) {
                if (!exitHookInstalled) {
                    Runtime.getRuntime().addShutdownHook(new Thread(LocalCluster::runExitActions, "local-cluster-exit"));
                    exitHookInstalled = true;
                }
            }
        }
    }

    private static void runExitActions() {
        for (LocalCluster cluster : List.copyOf(AT_EXIT)) {
            try {
                if (cluster.exitAction == ExitAction.DESTROY) {
                    cluster.destroy();
                } else {
                    cluster.stop(ShutdownMode.FAST);
                }
            } catch (RuntimeException e) {
                System.err.println("tidepool: cleaning up " + cluster + " at exit failed: " + e.getMessage());
            }
        }
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

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalClusterException("interrupted", e);
        }
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
