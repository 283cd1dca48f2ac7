package io.tidepool.admin.pcp;

import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a PCP client connects, chosen as pgpool-II's tools choose (spec 1.1): no host, an empty
 * one, or one starting with {@code /} means the Unix socket {@code <dir>/.s.PGSQL.<port>}
 * (directory {@code /tmp} by default); anything else is a TCP host.
 *
 * @param host as given with {@code -h}; empty for the default socket directory
 */
public record PcpEndpoint(String host, int port) {

    public static final String DEFAULT_SOCKET_DIR = "/tmp";

    public PcpEndpoint {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    public boolean isUnixSocket() {
        return host.isEmpty() || host.startsWith("/");
    }

    /** The socket file for a Unix endpoint. */
    public Path socketFile() {
        String dir = host.isEmpty() ? DEFAULT_SOCKET_DIR : host;
        return Path.of(dir, ".s.PGSQL." + port);
    }

    SocketAddress address() {
        return isUnixSocket() ? new DomainSocketAddress(socketFile().toFile())
                : InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * The host name a {@code .pcppass} entry must match (spec 1.10): {@code localhost} for the
     * default socket directory, otherwise the host as given.
     */
    public String pcppassHost() {
        return host.isEmpty() || host.equals(DEFAULT_SOCKET_DIR) ? "localhost" : host;
    }

    @Override
    public String toString() {
        return isUnixSocket() ? socketFile().toString() : host + ":" + port;
    }
}
