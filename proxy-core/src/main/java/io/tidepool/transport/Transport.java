package io.tidepool.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * The Netty transport of one server: epoll on Linux when its native library loads, else NIO;
 * {@code io_transport = io_uring} in tidepool.conf asks for io_uring instead. Channel classes must
 * match the event loop they are registered with, so a backend channel opened on a client's event
 * loop asks the same transport for its class.
 *
 * <p>io_uring is faster but not the default. Measured with pgbench -S through the proxy at 64
 * clients on 2 cores, it needs 0.3 system calls per transaction where epoll needs four, the event
 * loops sleep a third as often, and raw mode's TPS went from 0.98-1.01 to 1.02-1.07 of PgBouncer's.
 * But under CPU load, when the primary is stopped with {@code -m immediate} under pgbench, one
 * session in four runs never heard that its backend connection closed and left its client
 * waiting (FailoverThroughProxyIT, 3 runs of 4 under load; epoll 0 of 4): the connection saw no
 * read completion for the server's reset, only a failed write two minutes later. With Netty's
 * multishot receive and multishot poll turned off (the defaults set below) the same test passed
 * 6 of 6 times under the same load. Until more runs and a benchmark with these settings say
 * otherwise, io_uring stays an explicit, logged choice.
 *
 * <p>With these settings in streaming mode it gains nothing measurable: two proxies side by side
 * on a primary with two standbys, {@code load_balance_mode = off}, pgbench interleaved (4-5 rounds
 * of 8 s), io_uring's median TPS was 0.93 of epoll's on select-only simple with 8 clients, 0.99 on
 * tpcb-like with 8 and 1.04 on select-only prepared with 64, within the spread of the rounds. So
 * the risk above buys no speed there either.
 */
public enum Transport {
    IO_URING,
    EPOLL,
    NIO;

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    static {
        // Read once, when Netty's IoUring class initialises (always after this, from the methods
        // below). With multishot receive and poll on, backend connections of a killed server
        // sometimes never completed a read (see the class comment); with both off the failover
        // test passed 6 of 6 times under the same load. An explicit -D setting still wins.
        defaultProperty("io.netty.iouring.recvMultiShotEnabled", "false");
        defaultProperty("io.netty.iouring.pollAddMultishotEnabled", "false");
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /** The default transport of this machine: epoll, else NIO. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * The transport {@code io_transport} names ({@code auto} = {@link #best()}, {@code io_uring},
     * {@code epoll}, {@code nio}). One the machine cannot use is replaced by {@link #best()}, with
     * a warning that says why.
     */
    public static Transport named(String setting) {
        Transport wanted = switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "auto", "" -> null;
            case "io_uring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("io_transport must be auto, io_uring, epoll or nio: '" + setting + "'");
        };
        if (wanted == null) {
            return best();
        }
        Throwable unavailable = wanted.unavailabilityCause();
        if (unavailable != null) {
            Transport instead = best();
            log.warn("io_transport '{}' is not available here ({}); using {}", setting, unavailable.getMessage(),
                    instead.settingName());
            return instead;
        }
        if (wanted == IO_URING) {
            log.warn("io_transport 'io_uring' is experimental: under load a session whose backend server stops"
                    + " abruptly may not notice and leave its client waiting; use 'auto' (epoll) in production");
        }
        return wanted;
    }

    /** The value of {@code io_transport} that names this transport. */
    public String settingName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    private Throwable unavailabilityCause() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
            case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public Class<? extends ServerChannel> serverSocketChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends Channel> socketChannel() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    public Class<? extends ServerChannel> serverDomainSocketChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerDomainSocketChannel.class;
            case EPOLL -> EpollServerDomainSocketChannel.class;
            case NIO -> NioServerDomainSocketChannel.class;
        };
    }

    public Class<? extends Channel> domainSocketChannel() {
        return switch (this) {
            case IO_URING -> IoUringDomainSocketChannel.class;
            case EPOLL -> EpollDomainSocketChannel.class;
            case NIO -> NioDomainSocketChannel.class;
        };
    }

    /** The address of a Unix-domain socket file, in the form this transport accepts. */
    public SocketAddress domainSocketAddress(Path file) {
        return this == NIO ? UnixDomainSocketAddress.of(file) : new DomainSocketAddress(file.toString());
    }
}
