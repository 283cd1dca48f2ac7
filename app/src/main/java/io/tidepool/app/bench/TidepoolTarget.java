package io.tidepool.app.bench;

import io.tidepool.config.ConfigException;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ShutdownMode;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tidepool's proxy, run <em>in this JVM</em> (the benchmark driver itself only waits while
 * pgbench runs, so it takes no CPU from the proxy), in raw mode in front of the primary, with
 * enough sessions for every pgbench client ({@code num_init_children}).
 */
final class TidepoolTarget implements BenchTarget {
    private final ProxyServer server;
    private final int port;
    private boolean closed;

    private TidepoolTarget(ProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static TidepoolTarget start(String backendHost, int backendPort, int maxClients) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("port", Integer.toString(PgBouncerTarget.freePort()));
        settings.put("backend_clustering_mode", "raw");
        settings.put("num_init_children", Integer.toString(maxClients + 8));
        settings.put("backend_hostname0", backendHost);
        settings.put("backend_port0", Integer.toString(backendPort));
        settings.put("backend_flag0", "ALLOW_TO_FAILOVER");
        PgpoolConfig config;
        try {
            config = PgpoolConfig.fromMap(settings);
        } catch (ConfigException e) {
            throw new IllegalStateException("benchmark configuration rejected: " + e.getMessage(), e);
        }
        ProxyServer server = new ProxyServer(config);
        server.start();
        int port = server.boundAddresses().stream()
                .filter(InetSocketAddress.class::isInstance).map(InetSocketAddress.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("the proxy bound no TCP address"))
                .getPort();
        return new TidepoolTarget(server, port);
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
    }
}
