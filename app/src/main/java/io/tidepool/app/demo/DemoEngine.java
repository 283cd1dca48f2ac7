package io.tidepool.app.demo;

import io.tidepool.config.ConfigException;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.embedded.EmbeddedEngineClient;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.session.StatementCounters;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.server.logging.LogSettings;
import io.tidepool.server.logging.LogTail;
import io.tidepool.server.logging.LoggingSetup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The demo's engine over its nodes: {@code pgpool.conf} and {@code tidepool.conf} written into the
 * demo folder, the engine (cluster owner + proxy listeners) started in this process, and its log
 * lines kept for the console. The demo command and the tests that drive the demo's wiring over a
 * harness cluster both start exactly this.
 */
public final class DemoEngine implements AutoCloseable {

    private final TidepoolEngine engine;
    private final LogTail log;
    private final Path configFile;

    private DemoEngine(TidepoolEngine engine, LogTail log, Path configFile) {
        this.engine = engine;
        this.log = log;
        this.configFile = configFile;
    }

    /**
     * Writes the configuration, routes the process's log as it says, and starts the engine.
     *
     * @param port the proxy's port; 0 picks a free one (tests)
     * @throws ConfigException when the written configuration is rejected (a bug)
     * @throws IllegalStateException when the proxy cannot listen
     */
    static DemoEngine start(List<DemoConfig.Node> nodes, int port, Path folder, String user, String password)
            throws IOException, ConfigException {
        Files.createDirectories(folder.resolve("log"));
        Files.createDirectories(folder.resolve("run"));
        Path file = folder.resolve("pgpool.conf");
        Files.writeString(file, DemoConfig.render(nodes, port, folder, user, password), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve(PgpoolConfig.TIDEPOOL_CONF), DemoConfig.renderTidepoolConf(),
                StandardCharsets.UTF_8);
        PgpoolConfig config = PgpoolConfig.load(file);
        LoggingSetup.forProcess().apply(LogSettings.from(config, false));
        LogTail log = LogTail.attach(LogTail.DEFAULT_CAPACITY);
        TidepoolEngine engine = new TidepoolEngine(config,
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true));
        try {
            engine.start();
        } catch (Exception e) {
            log.close();
            engine.close();
            throw new IllegalStateException("the proxy cannot listen on 127.0.0.1:" + port + ": " + e.getMessage()
                    + " (is another proxy or demo using it? try --port)", e);
        }
        return new DemoEngine(engine, log, file);
    }

    /** The demo's engine over {@code cluster}'s nodes, its files in {@code folder}; the checks log in as the superuser. */
    public static DemoEngine over(LocalCluster cluster, int port, Path folder) throws IOException, ConfigException {
        return start(DemoCommand.nodesOf(cluster), port, folder, cluster.superuser(), cluster.superuserPassword());
    }

    public TidepoolEngine engine() {
        return engine;
    }

    /** The port the proxy listens on. */
    public int proxyPort() {
        return engine.proxy().orElseThrow().tcpAddress().getPort();
    }

    public Path configFile() {
        return configFile;
    }

    /** Makes the console's clients for this engine; {@code select_cnt} comes from the proxy's sessions. */
    public Supplier<ClusterClient> consoleClients() {
        return () -> new EmbeddedEngineClient(engine, Optional.of(log), this::selectCount);
    }

    /** SELECTs the proxy's sessions sent to the node; unknown while the proxy does not route (raw mode). */
    private OptionalLong selectCount(int nodeId) {
        return engine.proxy().flatMap(ProxyServer::streaming)
                .map(s -> OptionalLong.of(s.counters().get(nodeId, StatementCounters.Column.SELECT)))
                .orElse(OptionalLong.empty());
    }

    /** Stops the proxy (fast: sessions are cut) and the checks; the PostgreSQL nodes keep running. */
    @Override
    public void close() {
        try {
            engine.stop(ShutdownMode.FAST);
        } finally {
            log.close();
        }
    }
}
