package io.tidepool.server;

import io.tidepool.admin.pcp.PcpServer;
import io.tidepool.admin.pcp.PcpServerSettings;
import io.tidepool.admin.pcp.PcpUserLookup;
import io.tidepool.recovery.CoordinatorRecoveryCluster;
import io.tidepool.recovery.OnlineRecovery;
import io.tidepool.cluster.ClusterCoordinator;
import io.tidepool.cluster.ClusterSettings;
import io.tidepool.config.ConfigDiff;
import io.tidepool.config.ConfigException;
import io.tidepool.config.PgpoolConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tidepool engine: the cluster owner, the PCP server and (with {@link Options#withProxy})
 * the proxy's listeners. The headless server ({@link ProxyMain}) and the console's embedded
 * engine both start exactly this.
 *
 * <pre>{@code
 * TidepoolEngine engine = new TidepoolEngine(config, TidepoolEngine.Options.defaults()
 *         .withProxy(true)
 *         .withDiscardStatusFile(discard)                  // -D
 *         .withStopHandler(mode -> exitProcess(mode)));    // what pcp_stop_pgpool does
 * engine.start();
 * ClusterSnapshot now = engine.cluster().snapshot();
 * engine.stop(ShutdownMode.FAST);
 * }</pre>
 *
 * <p>Stopping is asynchronous underneath ({@link #stopAsync}): a smart stop waits for the
 * proxy's clients while PCP stays open, and a stronger mode asked for meanwhile ends the
 * sessions at once.
 */
public final class TidepoolEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TidepoolEngine.class);

    /**
     * @param discardStatusFile start as with {@code -D}: forget {@code pgpool_status}
     * @param pcp               whether to serve PCP ({@code pcp_port}); off for engines that only watch a cluster
     * @param stopHandler       what {@code pcp_stop_pgpool} does; empty: stop this engine
     * @param logRotator        what {@code pcp_log_rotate} does; empty: nothing to rotate
     * @param reloadHandler     what {@code pcp_reload_config} does; empty: {@link #reload()}
     */
    public record Options(boolean discardStatusFile, boolean pcp, boolean proxy,
                          Optional<Consumer<ShutdownMode>> stopHandler, Optional<Runnable> logRotator,
                          Optional<ReloadHandler> reloadHandler) {
        /** PCP on, no proxy listeners, stop handled by the engine itself. */
        public static Options defaults() {
            return new Options(false, true, false, Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Options withDiscardStatusFile(boolean discard) {
            return new Options(discard, pcp, proxy, stopHandler, logRotator, reloadHandler);
        }

        public Options withPcp(boolean enabled) {
            return new Options(discardStatusFile, enabled, proxy, stopHandler, logRotator, reloadHandler);
        }

        /** Also run the proxy's client listeners, with new sessions sent where the cluster owner says. */
        public Options withProxy(boolean enabled) {
            return new Options(discardStatusFile, pcp, enabled, stopHandler, logRotator, reloadHandler);
        }

        public Options withStopHandler(Consumer<ShutdownMode> handler) {
            return new Options(discardStatusFile, pcp, proxy, Optional.of(handler), logRotator, reloadHandler);
        }

        public Options withLogRotator(Runnable rotator) {
            return new Options(discardStatusFile, pcp, proxy, stopHandler, Optional.of(rotator), reloadHandler);
        }

        /**
         * What {@code pcp_reload_config} does instead of {@link TidepoolEngine#reload()}: the server
         * reloads as on SIGHUP (logging settings too, and the reload report).
         */
        public Options withReloadHandler(ReloadHandler handler) {
            return new Options(discardStatusFile, pcp, proxy, stopHandler, logRotator, Optional.of(handler));
        }
    }

    /** A reload carried out for PCP; throws, with a message for the PCP client, when it was refused or failed. */
    @FunctionalInterface
    public interface ReloadHandler {
        void reload() throws Exception;
    }

    private final Options options;
    private final ClusterCoordinator cluster;
    private final OnlineRecovery recovery;
    private volatile PgpoolConfig config;
    private volatile SessionRegistry sessions = SessionRegistry.NONE;
    private PcpServer pcpServer;
    private ProxyServer proxy;
    private boolean started;
    private CompletableFuture<Void> stopping;

    public TidepoolEngine(PgpoolConfig config, Options options) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.cluster = new ClusterCoordinator(ClusterSettings.fromConfig(config),
                ClusterCoordinator.Options.defaults().withDiscardStatusFile(options.discardStatusFile()));
        this.recovery = new OnlineRecovery(new CoordinatorRecoveryCluster(cluster, this::config, new RecoveryDrain()));
    }

    /**
     * Finds the nodes' roles and starts the checks, then opens the client listeners (with
     * {@link Options#withProxy}) and the PCP port. On failure nothing stays open.
     */
    public synchronized void start() throws Exception {
        if (started) {
            throw new IllegalStateException("the engine is already started");
        }
        if (stopping != null) {
            throw new IllegalStateException("the engine is stopped");
        }
        config.requireBackends();
        started = true;
        // Before the first health check: Java reads some TLS settings once per process.
        io.tidepool.auth.AuthenticationServices.prepareProcess(config);
        cluster.start();
        try {
            if (options.proxy()) {
                proxy = new ProxyServer(config);
                proxy.followCluster(cluster);
                proxy.start();
                if (sessions == SessionRegistry.NONE) {
                    sessions = new ProxySessionRegistry(proxy);
                }
            }
            if (options.pcp()) {
                pcpServer = new PcpServer(PcpServerSettings.fromConfig(config), new EnginePcpService(this),
                        PcpUserLookup.file(config.pcpConfFile()));
                pcpServer.start();
            }
        } catch (Exception e) {
            if (pcpServer != null) {
                pcpServer.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            cluster.close();
            throw e;
        }
    }

    /** The proxy's listeners, when the engine runs them. */
    public synchronized Optional<ProxyServer> proxy() {
        return Optional.ofNullable(proxy);
    }

    /** The cluster owner: snapshots, events, node commands. */
    public ClusterCoordinator cluster() {
        return cluster;
    }

    public PgpoolConfig config() {
        return config;
    }

    /** Online recovery (pcp_recovery_node, the console's Recover): plans and runs one recovery at a time. */
    public OnlineRecovery recovery() {
        return recovery;
    }

    /** The TCP port PCP listens on (the chosen one when {@code pcp_port = 0}); empty without PCP. */
    public synchronized Optional<Integer> pcpPort() {
        return pcpServer == null ? Optional.empty() : Optional.of(pcpServer.port());
    }

    /** Plugs in the proxy's sessions (process info, graceful waits). */
    public void setSessionRegistry(SessionRegistry registry) {
        this.sessions = Objects.requireNonNull(registry, "registry");
    }

    SessionRegistry sessions() {
        return sessions;
    }

    /**
     * Stops admitting client sessions, waits until those served have ended or {@code timeout}
     * passed, then admits again (what {@code pcp_detach_node -g} waits for). True when all ended.
     */
    public boolean awaitSessionsEnded(java.time.Duration timeout) throws InterruptedException {
        Optional<ProxyServer> running = proxy();
        if (running.isEmpty()) {
            return sessions.awaitSessionsEnded(timeout);
        }
        // pgpool-II lets no new client in while a graceful detach waits; a steady stream of new
        // sessions would otherwise keep it waiting for its whole timeout.
        running.get().holdNewSessions();
        try {
            return running.get().awaitServedSessionsEnded(timeout, java.time.Duration.ZERO);
        } finally {
            running.get().resumeNewSessions();
        }
    }

    /**
     * Online recovery's second stage: with the proxy's listeners, new clients wait until the
     * recovery is over and sessions idle past client_idle_limit_in_recovery are ended; without
     * them, the plugged-in session registry waits.
     */
    private final class RecoveryDrain implements CoordinatorRecoveryCluster.SessionDrain {
        private volatile Optional<ProxyServer> held = Optional.empty();

        @Override
        public boolean holdAndAwaitEnded(java.time.Duration timeout, java.time.Duration idleLimit) throws InterruptedException {
            Optional<ProxyServer> running = proxy();
            if (running.isEmpty()) {
                return sessions.awaitSessionsEnded(timeout);
            }
            held = running;
            running.get().holdNewSessions();
            return running.get().awaitServedSessionsEnded(timeout, idleLimit);
        }

        @Override
        public void release() {
            held.ifPresent(ProxyServer::resumeNewSessions);
            held = Optional.empty();
        }
    }

    /**
     * Re-reads pgpool.conf (when the engine was loaded from a file) and applies what can change
     * while running; returns the names that need a restart. Files given on the command line
     * ({@code -F}, {@code -a}, {@code -k}) stay as they were.
     */
    public List<String> reload() throws ConfigException {
        PgpoolConfig before = config;
        if (before.sourceFile().isEmpty()) {
            return reload(before);
        }
        PgpoolConfig after = PgpoolConfig.load(before.sourceFile().get()).withFileOverrides(before.fileOverrides());
        after.requireBackends();
        return reload(after);
    }

    /**
     * Applies {@code newConfig} to the cluster owner and the proxy; returns the changed names that
     * only take effect after a restart (the catalog's, and any the proxy could not apply).
     */
    public List<String> reload(PgpoolConfig newConfig) {
        ConfigDiff diff = ConfigDiff.between(config, newConfig);
        config = newConfig;
        cluster.reload(ClusterSettings.fromConfig(newConfig));
        ProxyServer running;
        synchronized (this) {
            running = proxy;
        }
        Set<String> restart = new LinkedHashSet<>(diff.restartRequiredNames());
        if (running != null) {
            restart.addAll(running.reload(newConfig));
        }
        if (!restart.isEmpty()) {
            log.warn("configuration reloaded; these changes need a restart: {}", restart);
        } else {
            log.info("configuration reloaded ({} changes)", diff.changes().size());
        }
        return List.copyOf(restart);
    }

    /** What {@code pcp_stop_pgpool} asks for: the stop handler decides (the server exits the process). */
    void requestStop(ShutdownMode mode) {
        if (options.stopHandler().isPresent()) {
            options.stopHandler().get().accept(mode);
        } else {
            stop(mode);
        }
    }

    /** What {@code pcp_reload_config} asks for: the reload handler, else {@link #reload()}. */
    void requestReload() throws Exception {
        if (options.reloadHandler().isPresent()) {
            options.reloadHandler().get().reload();
        } else {
            reload();
        }
    }

    void rotateLog() {
        options.logRotator().ifPresentOrElse(Runnable::run, () -> log.info("pcp_log_rotate: no log file to rotate"));
    }

    /**
     * Stops the proxy in {@code mode} (a smart stop waits for client sessions), then closes PCP and
     * stops the checks; returns once everything is closed. A failover in progress is interrupted.
     */
    public void stop(ShutdownMode mode) {
        stopAsync(mode).join();
    }

    /**
     * Starts stopping in {@code mode} without waiting; the future completes once the proxy, PCP
     * and the checks are closed. A stronger mode during a stop that is still waiting (a smart
     * stop's sessions) ends the sessions as that mode does; a weaker or equal one changes
     * nothing. PCP stays open while the proxy drains, so {@code pcp_stop_pgpool -m fast} can
     * still hurry a smart stop along.
     */
    public CompletableFuture<Void> stopAsync(ShutdownMode mode) {
        Objects.requireNonNull(mode, "mode");
        synchronized (this) {
            if (stopping != null) {
                if (proxy != null && mode != ShutdownMode.SMART) {
                    proxy.stop(mode); // escalates a smart stop still waiting; returns the same future
                }
                return stopping;
            }
            log.info("tidepool engine stopping ({} mode)", mode.name().toLowerCase(Locale.ROOT));
            CompletableFuture<Void> proxyStopped = proxy != null ? proxy.stop(mode) : CompletableFuture.completedFuture(null);
            // Closing PCP and the checks blocks; never do it on the proxy's event loop that completed the future.
            stopping = proxyStopped
                    .exceptionally(failure -> {
                        log.error("stopping the proxy failed", failure);
                        return null;
                    })
                    .thenRunAsync(this::closeServices, TidepoolEngine::runOnStopThread);
            return stopping;
        }
    }

    private void closeServices() {
        PcpServer pcp;
        synchronized (this) {
            pcp = pcpServer;
        }
        if (pcp != null) {
            pcp.close();
        }
        cluster.close();
        recovery.close();
        log.info("tidepool engine stopped");
    }

    private static void runOnStopThread(Runnable task) {
        Thread thread = new Thread(task, "tidepool-engine-stop");
        thread.setDaemon(false); // the process waits for a clean close
        thread.start();
    }

    @Override
    public void close() {
        stop(ShutdownMode.IMMEDIATE);
    }
}
