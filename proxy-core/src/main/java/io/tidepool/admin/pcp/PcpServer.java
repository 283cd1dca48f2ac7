package io.tidepool.admin.pcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PCP listener (spec 1.1): TCP on {@code pcp_listen_addresses}/{@code pcp_port} and a Unix
 * socket {@code <pcp_socket_dir>/.s.PGSQL.<port>}, so that pgpool-II's {@code pcp_*} tools work
 * unchanged. Connections are served concurrently, requests on one connection one at a time.
 */
public final class PcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PcpServer.class);
    /** Service calls running at once over all connections; further requests wait in line. */
    private static final int BLOCKING_THREADS = 4;

    private final PcpServerSettings settings;
    private final PcpService service;
    private final PcpUserLookup users;
    private final SecureRandom random = new SecureRandom();
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private EventLoopGroup group;
    private ExecutorService blockingExecutor;

    public PcpServer(PcpServerSettings settings, PcpService service, PcpUserLookup users) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.service = Objects.requireNonNull(service, "service");
        this.users = Objects.requireNonNull(users, "users");
    }

    /** Binds every listener; on failure nothing stays bound. */
    public synchronized void start() throws IOException, InterruptedException {
        if (group != null) {
            throw new IllegalStateException("PCP server already started");
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(1, new NamedThreads("tidepool-pcp-io"), io);
        blockingExecutor = new ThreadPoolExecutor(BLOCKING_THREADS, BLOCKING_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreads("tidepool-pcp-worker"));
        ((ThreadPoolExecutor) blockingExecutor).allowCoreThreadTimeOut(true);
        try {
            int port = settings.port();
            for (InetAddress address : resolve(settings.listenAddresses())) {
                Channel channel = bind(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class,
                        new InetSocketAddress(address, port));
                port = ((InetSocketAddress) channel.localAddress()).getPort();
            }
            for (Path dir : settings.socketDirs()) {
                if (!epoll) {
                    log.warn("PCP: no Unix socket in {}: native epoll transport is unavailable", dir);
                    continue;
                }
                Path file = dir.resolve(".s.PGSQL." + port);
                // A socket file left by a process that died; pgpool-II removes it too.
                Files.deleteIfExists(file);
                bind(EpollServerDomainSocketChannel.class, new DomainSocketAddress(file.toFile()));
                socketFiles.add(file);
                // Anyone may connect, as to pgpool-II's socket: pcp.conf decides who gets in.
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        log.info("PCP server listening on {}", boundAddresses());
    }

    private Channel bind(Class<? extends ServerChannel> type, SocketAddress address)
            throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(type)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        long stall = settings.stallTimeout().toMillis();
                        PcpSession session = new PcpSession(service, users, settings.nodeInfoLayout(),
                                settings.zone(), random);
                        ch.pipeline()
                                .addLast(new IdleStateHandler(stall, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast(PcpFrameDecoder.forServer())
                                .addLast(PcpFrameEncoder.INSTANCE)
                                .addLast(new PcpConnectionHandler(session, blockingExecutor));
                    }
                });
        var future = bootstrap.bind(address).await();
        if (!future.isSuccess()) {
            throw new IOException("PCP: cannot listen on " + address + ": " + future.cause().getMessage(),
                    future.cause());
        }
        listeners.add(future.channel());
        return future.channel();
    }

    private static Set<InetAddress> resolve(List<String> names) throws UnknownHostException {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (String name : names) {
            if (name.equals("*")) {
                addresses.add(new InetSocketAddress(0).getAddress());
            } else if (name.equals("localhost")) {
                // pgpool-II clients up to 4.6 resolve IPv4 only (spec 1.1).
                addresses.add(InetAddress.getByName("127.0.0.1"));
            } else {
                addresses.addAll(List.of(InetAddress.getAllByName(name)));
            }
        }
        return addresses;
    }

    /** The bound TCP addresses (with the real port when 0 was configured) and socket paths. */
    public synchronized List<SocketAddress> boundAddresses() {
        return listeners.stream().map(Channel::localAddress).toList();
    }

    /** The TCP port actually bound, or the configured one when there is no TCP listener. */
    public synchronized int port() {
        return listeners.stream().map(Channel::localAddress)
                .filter(InetSocketAddress.class::isInstance)
                .map(a -> ((InetSocketAddress) a).getPort())
                .findFirst().orElse(settings.port());
    }

    /** Stops listening, closes every connection, removes the socket files. */
    @Override
    public synchronized void close() {
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly();
        }
        listeners.clear();
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            group = null;
        }
        if (blockingExecutor != null) {
            blockingExecutor.shutdownNow();
            blockingExecutor = null;
        }
        for (Path file : socketFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("PCP: cannot remove socket file {}: {}", file, e.getMessage());
            }
        }
        socketFiles.clear();
    }

    /** Daemon threads with readable names. */
    static final class NamedThreads implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        NamedThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
