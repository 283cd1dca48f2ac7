package io.tidepool.ops.ssh;

import java.util.Objects;

/**
 * Where to log in: an SSH server and the account on it.
 *
 * @param host name or address of the SSH server
 * @param port its port (22 normally)
 * @param user the account to log in as
 */
public record SshEndpoint(String host, int port, String user) {

    public SshEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (host.isBlank()) {
            throw new IllegalArgumentException("ssh host is empty");
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException("ssh user is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ssh port " + port + " is outside 1..65535");
        }
    }

    /**
     * The name known_hosts files use for this server: {@code host} on port 22,
     * {@code [host]:port} elsewhere (OpenSSH's convention).
     */
    public String knownHostsName() {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    @Override
    public String toString() {
        return user + "@" + host + (port == 22 ? "" : ":" + port);
    }
}
