package io.tidepool.server;

import io.tidepool.config.PgpoolConfig;

import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The running proxy: listeners, event loops, sessions. One instance per process in the
 * headless server, one per embedded engine in the console and the tests.
 *
 * <p>API contract shared by every module (the proxy owner fills in the implementation).
 */
public final class ProxyServer implements AutoCloseable {

    public ProxyServer(PgpoolConfig config) {
        throw new UnsupportedOperationException("proxy: not implemented yet");
    }

    /** Binds every listener ({@code listen_addresses}/{@code port}, Unix sockets); throws when one cannot bind. */
    public void start() throws Exception {
        throw new UnsupportedOperationException("proxy: not implemented yet");
    }

    /** The addresses actually bound (a configured port 0 shows the chosen port here). */
    public List<SocketAddress> boundAddresses() {
        throw new UnsupportedOperationException("proxy: not implemented yet");
    }

    /** Stops in the given mode; the future completes once every listener and session is closed. */
    public CompletableFuture<Void> stop(ShutdownMode mode) {
        throw new UnsupportedOperationException("proxy: not implemented yet");
    }

    /** Applies the reloadable parameters of {@code newConfig}; returns the names that need a restart. */
    public List<String> reload(PgpoolConfig newConfig) {
        throw new UnsupportedOperationException("proxy: not implemented yet");
    }

    /** Same as {@code stop(IMMEDIATE)} and waiting for it. */
    @Override
    public void close() {
        stop(ShutdownMode.IMMEDIATE).join();
    }
}
