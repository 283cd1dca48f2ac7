package io.tidepool.ops.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to open an SSH session to one server.
 *
 * @param endpoint       server and account
 * @param credentials    keys and/or password
 * @param knownHosts     the known_hosts file host keys are checked against (and trusted keys added to)
 * @param connectTimeout bound on TCP connect + key exchange + authentication, and on opening a channel
 * @param keepAlive      interval of keep-alive probes; three unanswered probes end the session
 * @param sudoUser       when present, commands run as this user through {@code sudo -n -u}
 */
public record SshSettings(SshEndpoint endpoint, SshCredentials credentials, Path knownHosts,
                          Duration connectTimeout, Duration keepAlive, Optional<String> sudoUser) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(5);

    public SshSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(sudoUser, "sudoUser");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive");
        }
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("keep-alive interval must be positive");
        }
        sudoUser = sudoUser.filter(u -> !u.isBlank());
    }

    public static SshSettings of(SshEndpoint endpoint, SshCredentials credentials, Path knownHosts) {
        return new SshSettings(endpoint, credentials, knownHosts, DEFAULT_CONNECT_TIMEOUT, DEFAULT_KEEP_ALIVE,
                Optional.empty());
    }

    public SshSettings withSudoUser(String user) {
        return new SshSettings(endpoint, credentials, knownHosts, connectTimeout, keepAlive, Optional.of(user));
    }

    public SshSettings withConnectTimeout(Duration timeout) {
        return new SshSettings(endpoint, credentials, knownHosts, timeout, keepAlive, sudoUser);
    }

    public SshSettings withCredentials(SshCredentials other) {
        return new SshSettings(endpoint, other, knownHosts, connectTimeout, keepAlive, sudoUser);
    }

    /** The shell text that runs {@code command} as this settings' user: sudo-wrapped when configured. */
    public String wrap(String command) {
        return sudoUser.map(user -> "sudo -n -u " + Shell.quote(user) + " -- /bin/sh -c " + Shell.quote(command))
                .orElse(command);
    }
}
