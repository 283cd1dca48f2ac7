package io.tidepool.app.bench;

import io.tidepool.config.ConfigException;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tidepool, run <em>in this JVM</em> (the benchmark driver itself only waits while pgbench runs,
 * so it takes no CPU from the proxy), with enough sessions for every pgbench client
 * ({@code num_init_children}). Two set-ups:
 * <ul>
 *   <li>{@link #raw}: the bare proxy in raw mode in front of the primary;</li>
 *   <li>{@link #streaming}: the engine as {@code ./tidepool proxy} runs it (cluster owner and
 *       proxy, no PCP), streaming-replication mode with reads balanced over every node with equal
 *       weights, health check off and replication delay checked at the default period, as
 *       pgpool-II is configured beside it.</li>
 * </ul>
 */
final class TidepoolTarget implements BenchTarget {
    private final AutoCloseable running;
    private final ProxyServer server;
    private final int port;
    private boolean closed;

    private TidepoolTarget(AutoCloseable running, ProxyServer server) {
        this.running = running;
        this.server = server;
        this.port = server.tcpAddress().getPort();
    }

    static TidepoolTarget raw(String backendHost, int backendPort, int maxClients) throws Exception {
        Map<String, String> settings = commonSettings(maxClients);
        settings.put("backend_clustering_mode", "raw");
        settings.put("backend_hostname0", backendHost);
        settings.put("backend_port0", Integer.toString(backendPort));
        settings.put("backend_flag0", "ALLOW_TO_FAILOVER");
        ProxyServer server = new ProxyServer(config(settings));
        server.start();
        return new TidepoolTarget(server, server);
    }

    /**
     * @param nodes the cluster's nodes, the primary first
     * @param workDirectory where the engine keeps its status file
     */
    static TidepoolTarget streaming(List<LocalNode> nodes, String user, String password, int maxClients,
                                    Path workDirectory) throws Exception {
        Map<String, String> settings = commonSettings(maxClients);
        settings.put("backend_clustering_mode", "streaming_replication");
        settings.put("load_balance_mode", "on");
        for (int i = 0; i < nodes.size(); i++) {
            settings.put("backend_hostname" + i, nodes.get(i).host());
            settings.put("backend_port" + i, Integer.toString(nodes.get(i).port()));
            settings.put("backend_weight" + i, "1");
            settings.put("backend_flag" + i, "ALLOW_TO_FAILOVER");
        }
        settings.put("sr_check_user", user);
        settings.put("sr_check_password", password);
        settings.put("work_dir", workDirectory.toString());
        TidepoolEngine engine = new TidepoolEngine(config(settings),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true));
        try {
            engine.start();
            return new TidepoolTarget(engine, engine.proxy().orElseThrow());
        } catch (Exception e) {
            engine.close();
            throw e;
        }
    }

    private static Map<String, String> commonSettings(int maxClients) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("port", Integer.toString(PgBouncerTarget.freePort()));
        settings.put("unix_socket_directories", "");
        settings.put("num_init_children", Integer.toString(maxClients + 8));
        return settings;
    }

    private static PgpoolConfig config(Map<String, String> settings) {
        try {
            return PgpoolConfig.fromMap(settings);
        } catch (ConfigException e) {
            throw new IllegalStateException("benchmark configuration rejected: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "tidepool";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop(ShutdownMode.FAST).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.close();
        }
        if (running != server) {
            try {
                running.close();
            } catch (Exception e) {
                // Stopping the engine after its proxy: nothing is left that could fail visibly.
            }
        }
    }
}
