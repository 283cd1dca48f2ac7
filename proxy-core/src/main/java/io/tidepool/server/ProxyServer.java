package io.tidepool.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.Future;
import io.tidepool.backend.BackendConnector;
import io.tidepool.backend.BackendNode;
import io.tidepool.cluster.ClusterCoordinator;
import io.tidepool.cluster.ClusterSnapshot;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.frontend.ClientSession;
import io.tidepool.frontend.SessionServices;
import io.tidepool.frontend.SessionAdmission;
import io.tidepool.routing.FunctionVolatility;
import io.tidepool.routing.FunctionVolatilityLookup;
import io.tidepool.routing.RelationPersistenceLookup;
import io.tidepool.routing.Router;
import io.tidepool.routing.StatementClassifier;
import io.tidepool.session.ClusterViewSource;
import io.tidepool.session.SnapshotClusterView;
import io.tidepool.session.StatementCounters;
import io.tidepool.session.StreamingServices;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The running proxy: listeners, event loops, sessions. One instance per process in the
 * headless server, one per embedded engine in the console and the tests.
 *
 * <p>Listeners: every address of {@code listen_addresses} on {@code port} ({@code *}: all
 * interfaces; a name: each of its addresses; with port 0 the first bind picks the port and
 * the others reuse it), and a Unix socket {@code .s.PGSQL.<port>} in each of
 * {@code unix_socket_directories}. Event loops use epoll where available (io_uring on request), NIO
 * elsewhere ({@code io_transport}); one per core unless {@code worker_threads} says otherwise
 * (see {@link #workerLoops}); each client and its backend connections share one loop.
 *
 * <p>Stop modes (same meanings as pgpool-II and PostgreSQL): SMART stops accepting and waits
 * for the sessions to end; FAST sends each session 57P01 and closes it; IMMEDIATE closes
 * every connection at once.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final Transport transport;
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private volatile ProxySettings settings;
    private final SessionServices services;
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final List<Path> socketFiles = new CopyOnWriteArrayList<>();
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private CompletableFuture<Void> stopped;
    /** The event loops {@link #lostLoop} looks at, each with what to say when it has ended. */
    private final List<WatchedLoop> watchedLoops = new CopyOnWriteArrayList<>();
    /** Set before the loops are shut down on purpose. */
    private volatile boolean loopsEnding;
    /** Start time of the idle serving slots (pgpool-II shows when each child started). */
    private final java.time.Instant createdAt = java.time.Instant.now();

    public ProxyServer(PgpoolConfig config) {
        this(ProxySettings.from(config), Transport.named(config.getString("io_transport")));
        // -a and -k from the command line arrive as the configuration's file overrides.
        services.useAuthentication(loadAuthentication(config, config.poolHbaFile(),
                io.tidepool.auth.PoolKey.fileFor(config.poolKeyFile())));
    }

    /**
     * pool_hba.conf, pool_passwd and TLS from the configuration; the pool key for AES entries
     * is read from {@code keyFile} when that file exists.
     */
    private static io.tidepool.auth.AuthenticationServices loadAuthentication(PgpoolConfig config,
            java.nio.file.Path hbaFile, java.nio.file.Path keyFile) {
        java.util.Optional<io.tidepool.auth.PoolKey> key = java.util.Optional.empty();
        if (java.nio.file.Files.isReadable(keyFile)) {
            try {
                key = java.util.Optional.of(io.tidepool.auth.PoolKey.readFile(keyFile));
            } catch (IOException e) {
                log.warn("pool key {} not usable, AES entries of pool_passwd cannot be decrypted: {}", keyFile, e.getMessage());
            }
        }
        try {
            return io.tidepool.auth.AuthenticationServices.load(config, hbaFile, key);
        } catch (io.tidepool.config.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Authentication and TLS for a server built from {@link ProxySettings} (tests, embedded engines). */
    public ProxyServer useAuthentication(io.tidepool.auth.AuthenticationServices authentication) {
        services.useAuthentication(authentication);
        return this;
    }

    public ProxyServer(ProxySettings settings) {
        this(settings, Transport.best());
    }

    /** With a given transport (tests of each transport, and of the fallback to NIO). */
    public ProxyServer(ProxySettings settings, Transport transport) {
        this.transport = transport;
        this.settings = settings;
        this.services = sessionServices(settings, new BackendConnector(transport));
    }

    /**
     * Raw mode: one node per session, no routing. Streaming and logical replication: the router,
     * the cluster view (a fixed view with the configured primary until the cluster owner's
     * snapshots are wired in through {@link #ProxyServer(ProxySettings, Transport, ClusterViewSource)}).
     */
    private static SessionServices sessionServices(ProxySettings settings, BackendConnector connector) {
        return sessionServices(settings, connector, ClusterViewSource.fixed(settings.session().backends(),
                settings.serving().weights(), settings.serving().primaryHint()));
    }

    private static SessionServices sessionServices(ProxySettings settings, BackendConnector connector,
                                                   ClusterViewSource cluster) {
        ServingSettings serving = settings.serving();
        SessionAdmission admission = serving.numInitChildren() <= 0 ? SessionAdmission.unlimited()
                : SessionAdmission.fromPoolSettings(serving.numInitChildren(), serving.reservedConnections(),
                        serving.listenBacklogMultiplier());
        Optional<StreamingServices> streaming = Optional.empty();
        if (settings.routesStatements()) {
            Optional<io.tidepool.routing.JdbcCatalogQuery> catalog = catalogQuery(serving, cluster);
            Router router = new Router(serving.routing(),
                    catalog.<FunctionVolatilityLookup>map(q -> new io.tidepool.routing.PgCatalogFunctionVolatilityLookup(
                            q, CATALOG_EXECUTOR, 10_000, java.time.Duration.ofMinutes(10))).orElse(NO_CATALOG_LOOKUPS),
                    // Short-lived: temporary and unlogged tables come and go (check_temp_table, check_unlogged_table).
                    catalog.<RelationPersistenceLookup>map(q -> new io.tidepool.routing.PgCatalogRelationPersistenceLookup(
                            q, CATALOG_EXECUTOR, 10_000, java.time.Duration.ofMinutes(1)))
                            .orElse(RelationPersistenceLookup.ALL_PERMANENT));
            // Every node id a reload may add (a new backend_*N block) has its counters from the start.
            streaming = Optional.of(new StreamingServices(router, new StatementClassifier(), cluster,
                    new StatementCounters(StatementCounters.MAX_NODES), serving.config(), Math.max(serving.numInitChildren(), 0),
                    new io.tidepool.backend.BackendPool(serving.pool())));
        }
        return new SessionServices(settings.session(), connector, admission, streaming, serving.clientIdleLimit());
    }

    /**
     * Catalog look-ups on the primary, in the background, as {@code sr_check_user}: function
     * volatility from pg_proc and relation persistence from pg_class. The statement that first meets
     * a function or table goes to the primary; later ones are balanced when the function is not
     * volatile and the table neither temporary nor unlogged. Empty without a catalog user.
     */
    private static Optional<io.tidepool.routing.JdbcCatalogQuery> catalogQuery(ServingSettings serving,
                                                                             ClusterViewSource cluster) {
        if (serving.catalogUser().isEmpty()) {
            return Optional.empty();
        }
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", serving.catalogUser());
        if (!serving.catalogPassword().isEmpty()) {
            props.setProperty("password", serving.catalogPassword());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "10");
        props.setProperty("sslmode", "disable");
        props.setProperty("ApplicationName", "tidepool catalog lookup");
        io.tidepool.routing.JdbcCatalogQuery query = new io.tidepool.routing.JdbcCatalogQuery(database -> {
            BackendNode primary = cluster.node(cluster.current().primaryId())
                    .orElseThrow(() -> new IllegalStateException("no primary node for a catalog look-up"));
            if (primary.isUnixSocket()) {
                // pgJDBC has no Unix-socket transport of its own: statements with functions stay on the primary.
                throw new IllegalStateException("catalog look-ups need a TCP address for " + primary.describe());
            }
            String host = primary.host().contains(":") ? "[" + primary.host() + "]" : primary.host();
            return "jdbc:postgresql://" + host + ":" + primary.port() + "/"
                    + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8);
        }, props);
        return Optional.of(query);
    }

    /** Catalog look-ups block on JDBC: two daemon threads, never an event loop. */
    private static final java.util.concurrent.Executor CATALOG_EXECUTOR = catalogExecutor();

    private static java.util.concurrent.Executor catalogExecutor() {
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(2, 2, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(1000), r -> {
                    Thread t = new Thread(r, "tidepool-catalog-lookup");
                    t.setDaemon(true);
                    return t;
                }, new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Without catalog credentials (sr_check_user, wired with the cluster owner), a
     * function of unknown volatility sends its statement to the primary: always correct, never balanced.
     */
    private static final FunctionVolatilityLookup NO_CATALOG_LOOKUPS = new FunctionVolatilityLookup() {
        @Override
        public Optional<FunctionVolatility> cached(String database, String function) {
            return Optional.empty();
        }

        @Override
        public CompletableFuture<Map<String, FunctionVolatility>> resolve(String database, Collection<String> functions) {
            return CompletableFuture.completedFuture(Map.of());
        }
    };

    /** Streaming mode with the cluster owner's view of the nodes. */
    public ProxyServer(ProxySettings settings, Transport transport, ClusterViewSource cluster) {
        this.transport = transport;
        this.settings = settings;
        this.services = sessionServices(settings, new BackendConnector(transport), cluster);
    }

    /** The streaming sessions' shared state (counters, served sessions), when routing is on. */
    public Optional<StreamingServices> streaming() {
        return services.streaming();
    }

    /** Binds every listener ({@code listen_addresses}/{@code port}, Unix sockets); throws when one cannot bind. */
    public synchronized void start() throws Exception {
        if (workers != null) {
            throw new IllegalStateException("the proxy server is already started");
        }
        loopsEnding = false;
        watchedLoops.clear();
        ProxySettings current = settings;
        if (!"raw".equalsIgnoreCase(current.clusteringMode()) && !current.routesStatements()) {
            log.warn("backend_clustering_mode '{}' is not implemented yet: sessions go to the first node that is up (raw mode)",
                    current.clusteringMode());
        }
        acceptors = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        workers = new MultiThreadIoEventLoopGroup(workerLoops(current.workerThreads()), transport.ioHandlerFactory());
        watchLoops(acceptors, "accepting clients");
        watchLoops(workers, "serving sessions");
        try {
            int port = bindTcp(current);
            bindUnixSockets(current, port);
        } catch (Exception e) {
            closeListeners().join();
            shutdownLoops().join();
            workers = null;
            throw e;
        }
        log.info("tidepool proxy listening on {} ({} transport)", boundAddresses(), transport.settingName());
    }

    /**
     * An event loop of the proxy that has ended although the proxy was not stopping, if one has:
     * an Error escaped it (classes that can no longer be loaded because the jar was overwritten in
     * place, for one). Its clients can neither be served nor disconnected any more, and some of the
     * new ones would be handed to it, so whoever runs the proxy should stop it and start it again
     * ({@link ProxyMain} asks every second and exits with a failure, which the systemd unit answers
     * with a restart). Asked rather than announced: a loop that dies this way may take the
     * notification's own classes with it, while this code has run since the start.
     */
    public Optional<String> lostLoop() {
        if (loopsEnding) {
            return Optional.empty();
        }
        for (WatchedLoop loop : watchedLoops) {
            if (loop.executor().isShuttingDown()) {
                return Optional.of(loop.description());
            }
        }
        return Optional.empty();
    }

    private record WatchedLoop(io.netty.util.concurrent.EventExecutor executor, String description) {
    }

    /** The event loops serving sessions (tests end one to play a lost loop). */
    EventLoopGroup sessionLoops() {
        return workers;
    }

    private void watchLoops(EventLoopGroup group, String role) {
        List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        for (int i = 0; i < loops.size(); i++) {
            watchedLoops.add(new WatchedLoop(loops.get(i),
                    "event loop " + (i + 1) + " of " + loops.size() + " " + role + " ended unexpectedly"));
        }
    }

    /**
     * How many event loops serve the sessions: {@code worker_threads} when set, else one per core
     * (not Netty's two: loops never block here, and extra threads only add context switches).
     *
     * <p>Measured on 2 cores with the proxy as its own process ({@code ./tidepool bench
     * --worker-threads N}, pgbench -S through raw mode, Tidepool/direct): one loop 0.62 / 0.60
     * (simple, 8 / 64 clients) and 0.43 / 0.59 (prepared); two loops 0.60 / 0.74 and 0.68 / 0.66.
     * One loop looked better while the proxy ran inside the benchmark's JVM, sharing pgbench's
     * scheduler group (autogroup), which is not how it is deployed.
     */
    static int workerLoops(int workerThreads) {
        return workerThreads > 0 ? workerThreads : NettyRuntime.availableProcessors();
    }

    private ServerBootstrap bootstrap(Class<? extends io.netty.channel.ServerChannel> channelClass, int backlog) {
        return new ServerBootstrap()
                .group(acceptors, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new ClientSession(services));
                    }
                });
    }

    /** Binds the TCP listeners; returns the port in use (the chosen one when configured as 0). */
    private int bindTcp(ProxySettings current) throws IOException, InterruptedException {
        int port = current.port();
        for (String name : current.listenAddresses()) {
            for (InetSocketAddress address : resolve(name, port)) {
                ServerBootstrap bootstrap = bootstrap(transport.serverSocketChannel(), current.backlog())
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true);
                ChannelFuture bound = bootstrap.bind(address).await();
                if (!bound.isSuccess()) {
                    throw new IOException("could not listen on " + address + " (listen_addresses '" + name + "', port "
                            + port + "): " + bound.cause().getMessage(), bound.cause());
                }
                listeners.add(bound.channel());
                if (port == 0) {
                    // The first bind chose the port; every other address uses the same one.
                    port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
                }
            }
        }
        return port;
    }

    private static List<InetSocketAddress> resolve(String name, int port) throws IOException {
        if (name.equals("*")) {
            return List.of(new InetSocketAddress(port));
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (InetAddress address : InetAddress.getAllByName(name)) {
            addresses.add(new InetSocketAddress(address, port));
        }
        return addresses;
    }

    private void bindUnixSockets(ProxySettings current, int port) throws IOException, InterruptedException {
        if (current.unixSocketDirectories().isEmpty()) {
            return;
        }
        if (port == 0) {
            throw new IOException("a Unix socket needs a port number for its file name: set port, or listen on TCP too");
        }
        for (Path directory : current.unixSocketDirectories()) {
            Path file = directory.resolve(".s.PGSQL." + port);
            removeStaleSocket(file);
            ChannelFuture bound = bootstrap(transport.serverDomainSocketChannel(), current.backlog())
                    .bind(transport.domainSocketAddress(file)).await();
            if (!bound.isSuccess()) {
                throw new IOException("could not listen on Unix socket " + file + ": " + bound.cause().getMessage(),
                        bound.cause());
            }
            listeners.add(bound.channel());
            socketFiles.add(file);
            Files.setPosixFilePermissions(file, permissions(current.unixSocketPermissions()));
        }
    }

    /** A socket file left by a crashed server is removed; one another server still serves is an error. */
    private static void removeStaleSocket(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(file));
            throw new IOException("Unix socket " + file + " is in use by another server; stop it or change port");
        } catch (IOException refused) {
            if (refused.getMessage() != null && refused.getMessage().contains("in use by another server")) {
                throw refused;
            }
            Files.delete(file);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        return permissions;
    }

    /** The addresses actually bound (a configured port 0 shows the chosen port here). */
    public List<SocketAddress> boundAddresses() {
        List<SocketAddress> addresses = new ArrayList<>();
        for (Channel listener : listeners) {
            addresses.add(listener.localAddress());
        }
        return List.copyOf(addresses);
    }

    /** The first TCP address bound; convenient for tests and for printing how to connect. */
    public InetSocketAddress tcpAddress() {
        for (SocketAddress address : boundAddresses()) {
            if (address instanceof InetSocketAddress inet) {
                return inet;
            }
        }
        throw new IllegalStateException("the proxy has no TCP listener");
    }

    /**
     * Sends new sessions where the cluster owner says: the primary (outside streaming
     * replication: the main node) first, then the other nodes that are up, in id order. When no
     * node is up, every configured node is tried, so the client hears why each one failed.
     * Sessions already running are not moved. A backend connection lost in mid-session, or ended
     * by its server with 57P01/57P02, is reported to the cluster owner, which detaches the node
     * when {@code failover_on_backend_error} or {@code failover_on_backend_shutdown} says so.
     */
    public void followCluster(ClusterCoordinator coordinator) {
        followCluster(coordinator::snapshot);
        services.streaming().ifPresent(s -> s.followCluster(
                new SnapshotClusterView(coordinator::snapshot, () -> services.settings().backends()),
                coordinator::healthCheckStatistics));
        services.onBackendFailure((node, failure, detail) ->
                coordinator.reportBackendFailure(node.id(), failure, detail));
    }

    /** The backend order of {@link #followCluster(ClusterCoordinator)} alone, from any source of snapshots. */
    public void followCluster(Supplier<ClusterSnapshot> cluster) {
        services.streaming().ifPresent(s -> s.followCluster(
                new SnapshotClusterView(cluster, () -> services.settings().backends()), null));
        services.useBackendOrder(() -> {
            List<BackendNode> configured = services.settings().backends();
            ClusterSnapshot snapshot = cluster.get();
            List<BackendNode> order = new ArrayList<>(configured.size());
            snapshot.primary().filter(NodeSnapshot::isUp)
                    .ifPresent(p -> configured.stream().filter(b -> b.id() == p.id()).forEach(order::add));
            for (BackendNode b : configured) {
                boolean up = snapshot.node(b.id()).map(NodeSnapshot::isUp).orElse(false);
                if (up && !order.contains(b)) {
                    order.add(b);
                }
            }
            return order.isEmpty() ? configured : order;
        });
    }

    /** Number of client sessions currently open. */
    public int sessionCount() {
        return services.sessions().size();
    }

    /**
     * New clients wait until {@link #resumeNewSessions()}; sessions already served go on (online
     * recovery's second stage, spec 3.2, and graceful detach). Holds nest.
     */
    public void holdNewSessions() {
        services.admission().hold();
    }

    /** Ends one {@link #holdNewSessions()}; after the last, the clients that waited are served. */
    public void resumeNewSessions() {
        services.admission().resume();
    }

    /** True while new clients wait for a hold to end (online recovery, graceful detach). */
    public boolean newSessionsHeld() {
        return services.admission().isHeld();
    }

    /**
     * Waits until no session is served (clients held by {@link #holdNewSessions()} do not count):
     * true once that is so, false after {@code timeout}. With a non-zero {@code idleLimit}
     * ({@code client_idle_limit_in_recovery}) sessions idle that long are ended meanwhile, idle
     * ones at once when it is negative. Blocking: never on an event loop.
     */
    public boolean awaitServedSessionsEnded(Duration timeout, Duration idleLimit) throws InterruptedException {
        SessionAdmission admission = services.admission();
        PgException idle = new PgException(Severity.FATAL, SqlState.IDLE_SESSION_TIMEOUT,
                "terminating connection: online recovery waits for every client session to end, and this one was idle"
                        + (idleLimit.isNegative() ? "" : " for client_idle_limit_in_recovery (" + idleLimit.toSeconds() + " s)"),
                null, "reconnect; new sessions are served again once the recovery's second stage is over");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (admission.served() > 0) {
            if (!idleLimit.isZero()) {
                services.sessions().forEach(session -> session.endIfIdle(idleLimit, idle));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
        }
        return true;
    }

    /**
     * The sessions served now as SHOW pool_processes and pcp_proc_info report them; in raw mode
     * each relaying session that has logged in (without its last statement, which raw mode does
     * not read).
     */
    public List<io.tidepool.session.SessionInfo> sessionInfos() {
        return services.streaming().map(io.tidepool.session.StreamingServices::sessionInfos)
                .orElseGet(() -> services.sessions().stream().flatMap(s -> s.rawInfo().stream()).toList());
    }

    /**
     * The serving slots as pcp_proc_count and pcp_proc_info list them ({@link io.tidepool.session.ServingSlots}):
     * in streaming mode the slots of SHOW pool_processes and pool_pools; in raw mode the relaying
     * sessions, then idle slots up to num_init_children.
     */
    public List<io.tidepool.admin.pcp.ProcessInfo> servingSlots() {
        return services.streaming().map(s -> s.admin().slots()).orElseGet(() -> {
            ProxySettings current = settings;
            int maxPool = current.serving().config().map(c -> c.getInt("max_pool")).orElse(1);
            List<io.tidepool.session.SessionInfo> sessions = new ArrayList<>(sessionInfos());
            sessions.sort(java.util.Comparator.comparingLong(io.tidepool.session.SessionInfo::id));
            return io.tidepool.session.ServingSlots.of(sessions, List.of(),
                    Math.max(current.serving().numInitChildren(), 0), maxPool,
                    current.session().backends().stream().map(BackendNode::id).toList(), createdAt);
        });
    }

    /** Stops in the given mode; the future completes once every listener and session is closed. */
    public synchronized CompletableFuture<Void> stop(ShutdownMode mode) {
        if (stopped != null) {
            if (mode != ShutdownMode.SMART) {
                // A stronger mode may follow a smart stop still waiting for its sessions.
                endSessions(mode);
            }
            return stopped;
        }
        if (workers == null) {
            stopped = CompletableFuture.completedFuture(null);
            return stopped;
        }
        log.info("tidepool proxy stopping ({} mode)", mode.name().toLowerCase());
        // Nothing here blocks: stop may be called from an event loop (a PCP or admin request).
        stopped = closeListeners()
                .thenRun(() -> endSessions(mode))
                .thenCompose(closed -> services.whenDrained())
                .thenCompose(drained -> closePool())
                .thenCompose(poolClosed -> shutdownLoops())
                .whenComplete((ok, failure) -> log.info("tidepool proxy stopped"));
        return stopped;
    }

    private void endSessions(ShutdownMode mode) {
        switch (mode) {
            case SMART -> {
                // Sessions end when their clients leave.
            }
            case FAST -> {
                PgException shutdown = new PgException(Severity.FATAL, SqlState.ADMIN_SHUTDOWN,
                        "terminating connection due to administrator command", null,
                        "the proxy is shutting down; reconnect once it is back");
                services.refuseNewSessions(shutdown);
                services.sessions().forEach(session -> session.terminate(shutdown));
            }
            case IMMEDIATE -> {
                services.refuseNewSessions(null);
                services.sessions().forEach(ClientSession::closeNow);
            }
        }
    }

    /** Closes every listener; completes once all are closed and the socket files removed. */
    private CompletableFuture<Void> closeListeners() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Channel listener : listeners) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            listener.close().addListener(future -> closed.complete(null));
            closing.add(closed);
        }
        listeners.clear();
        List<Path> files = List.copyOf(socketFiles);
        socketFiles.clear();
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).thenRun(() -> {
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.warn("could not remove Unix socket file {}: {}", file, e.toString());
                }
            }
        });
    }

    /**
     * Closes the parked backend connections on their loops while those still run: a stopping loop
     * closes its channels but may not tell their handlers, and the pool releases a parked
     * connection's buffers only when told.
     */
    private CompletableFuture<Void> closePool() {
        return services.streaming().map(s -> s.pool().close()).orElse(CompletableFuture.completedFuture(null));
    }

    private CompletableFuture<Void> shutdownLoops() {
        loopsEnding = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Future<?> acceptorsDone = acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        Future<?> workersDone = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptorsDone.addListener(a -> workersDone.addListener(w -> done.complete(null)));
        return done;
    }

    /** Applies the reloadable parameters of {@code newConfig}; returns the names that need a restart. */
    public List<String> reload(PgpoolConfig newConfig) {
        List<String> restartNeeded = reload(ProxySettings.from(newConfig));
        services.authentication().ifPresent(auth -> auth.reload(newConfig));
        return restartNeeded;
    }

    /** Same as {@link #reload(PgpoolConfig)} from settings already read. */
    public synchronized List<String> reload(ProxySettings newSettings) {
        ProxySettings current = settings;
        List<String> restartNeeded = current.restartNeededComparedTo(newSettings);
        settings = current.withSession(newSettings.session());
        services.updateSettings(newSettings.session());
        if (!restartNeeded.isEmpty()) {
            log.warn("reload: changes to {} take effect only after a restart", restartNeeded);
        }
        return restartNeeded;
    }

    /** Same as {@code stop(IMMEDIATE)} and waiting for it. */
    @Override
    public void close() {
        stop(ShutdownMode.IMMEDIATE).join();
    }
}
