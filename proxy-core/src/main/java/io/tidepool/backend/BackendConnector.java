package io.tidepool.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.ProtocolLimits;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.transport.Transport;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Opens backend connections on a client's event loop ({@code Bootstrap.group(loop)}), so a
 * session and its backends never cross threads.
 */
public final class BackendConnector {
    private final Transport transport;

    public BackendConnector(Transport transport) {
        this.transport = transport;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Raw mode: connects to the first node in {@code nodes} that accepts a connection, in
     * order; a node that refuses or times out is skipped. Fails with 08006 naming every node
     * and its reason when none accepts. The future completes on {@code loop}.
     */
    public Future<BackendConnection> connectFirstAvailable(EventLoop loop, ByteBufAllocator alloc, List<BackendNode> nodes,
            Duration connectTimeout, ProtocolLimits limits, BackendConnection.Listener listener) {
        Promise<BackendConnection> promise = loop.newPromise();
        if (nodes.isEmpty()) {
            promise.setFailure(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE,
                    "no backend node is configured", null, "set backend_hostname0 and backend_port0 in pgpool.conf"));
            return promise;
        }
        attempt(loop, alloc, nodes, 0, connectTimeout, limits, listener, promise, new ArrayList<>());
        return promise;
    }

    /**
     * Connects to one node (no startup sent); the future completes on {@code loop}. A failure is
     * told to {@code listener} first, as in {@link #connectFirstAvailable}.
     */
    public Future<BackendConnection> connectTo(EventLoop loop, ByteBufAllocator alloc, BackendNode node,
            Duration connectTimeout, ProtocolLimits limits, BackendConnection.Listener listener) {
        Promise<BackendConnection> promise = loop.newPromise();
        BackendConnection connection = new BackendConnection(node, limits, listener);
        connect(loop, alloc, node, connectTimeout, connection).addListener((ChannelFuture future) -> {
            if (future.isSuccess()) {
                promise.setSuccess(connection);
            } else {
                listener.onBackendConnectFailed(node, future.cause());
                promise.setFailure(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE,
                        "could not connect to " + node.describe() + ": " + reason(future.cause()), null,
                        "check that PostgreSQL is running there"));
            }
        });
        return promise;
    }

    private void attempt(EventLoop loop, ByteBufAllocator alloc, List<BackendNode> nodes, int index, Duration timeout,
            ProtocolLimits limits, BackendConnection.Listener listener, Promise<BackendConnection> promise,
            List<String> failures) {
        BackendNode node = nodes.get(index);
        BackendConnection connection = new BackendConnection(node, limits, listener);
        connect(loop, alloc, node, timeout, connection).addListener((ChannelFuture future) -> {
            if (future.isSuccess()) {
                promise.setSuccess(connection);
                return;
            }
            failures.add(node.describe() + ": " + reason(future.cause()));
            listener.onBackendConnectFailed(node, future.cause());
            if (index + 1 < nodes.size()) {
                attempt(loop, alloc, nodes, index + 1, timeout, limits, listener, promise, failures);
            } else {
                promise.setFailure(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE,
                        "could not connect to any backend node", String.join("; ", failures),
                        "check that PostgreSQL is running and that backend_hostname and backend_port are right"));
            }
        });
    }

    /**
     * Opens one connection with {@code handler} as its only handler; no startup is sent. The
     * returned future completes on {@code loop}.
     *
     * <p>An IP address (or a Unix-socket directory) is connected to at once. A host name is
     * resolved on a small resolver pool first, never on the event loop: a slow DNS server
     * must not stall every session of that loop.
     */
    public ChannelFuture connect(EventLoop loop, ByteBufAllocator alloc, BackendNode node, Duration timeout,
            ChannelHandler handler) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .option(ChannelOption.ALLOCATOR, alloc)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(handler);
        if (node.isUnixSocket()) {
            bootstrap.channel(transport.domainSocketChannel());
            return bootstrap.connect(transport.domainSocketAddress(Path.of(node.host(), ".s.PGSQL." + node.port())));
        }
        bootstrap.channel(transport.socketChannel()).option(ChannelOption.TCP_NODELAY, true);
        if (NetUtil.isValidIpV4Address(node.host()) || NetUtil.isValidIpV6Address(node.host())) {
            return bootstrap.connect(new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(node.host()),
                    node.port()));
        }
        Channel channel = bootstrap.register().channel();
        ChannelPromise connected = channel.newPromise();
        CompletableFuture.supplyAsync(() -> new InetSocketAddress(node.host(), node.port()), RESOLVER)
                .whenComplete((address, failure) -> loop.execute(() -> {
                    if (failure != null || address.isUnresolved()) {
                        channel.close();
                        connected.tryFailure(new UnknownHostException("could not resolve host name " + node.host()));
                    } else {
                        channel.connect(address, connected);
                    }
                }));
        return connected;
    }

    /** Resolves backend host names off the event loops: at most 4 daemon threads, gone when idle. */
    private static final Executor RESOLVER = resolverPool();

    private static Executor resolverPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "tidepool-backend-resolver");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
