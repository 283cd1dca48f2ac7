package io.tidepool.ops.ssh;

import io.tidepool.config.BackendDefinition;
import io.tidepool.config.PgpoolConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SSH settings of one backend's host, from tidepool.conf (see {@code assets/tidepool.conf}).
 *
 * <p>Each {@code ssh_*} setting may be given for every node ({@code ssh_user = 'postgres'}) and
 * overridden for one ({@code ssh_user2 = 'pgadmin'}). Defaults:
 * <ul>
 *   <li>{@code ssh_host}: the backend's {@code backend_hostnameN}; a Unix socket directory or an
 *       empty host means this machine ({@code localhost});</li>
 *   <li>{@code ssh_port}: 22; {@code ssh_user}: {@code postgres}, the OS user PostgreSQL runs as;</li>
 *   <li>{@code ssh_identity_file}: {@code ~/.ssh/id_ed25519}, {@code ~/.ssh/id_ecdsa} and
 *       {@code ~/.ssh/id_rsa} of the user running Tidepool, those that exist; a relative path is
 *       relative to pgpool.conf's directory, {@code ~/} to the home directory;</li>
 *   <li>{@code ssh_known_hosts_file}: {@code ~/.ssh/known_hosts}; unknown hosts are refused until
 *       trusted (fingerprint shown), never accepted silently;</li>
 *   <li>{@code ssh_sudo_user}: none; when set, commands run as that user through {@code sudo -n -u}.</li>
 * </ul>
 */
public final class NodeSshSettings {

    private NodeSshSettings() {
    }

    /** SSH settings for node {@code node.id()}; fails with the setting to fix when nothing to log in with is configured. */
    public static SshSettings forNode(PgpoolConfig config, BackendDefinition node) {
        int id = node.id();
        String host = config.getString("ssh_host" + id);
        if (host.isBlank()) {
            host = node.hostname();
        }
        if (host.isBlank() || host.startsWith("/")) {
            host = "localhost";
        }
        SshEndpoint endpoint = new SshEndpoint(host, config.getInt("ssh_port" + id), config.getString("ssh_user" + id));
        List<Path> identities = new ArrayList<>();
        String identity = config.getString("ssh_identity_file" + id);
        if (!identity.isBlank()) {
            identities.add(resolve(config, identity));
        } else {
            for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
                Path candidate = home().resolve(".ssh").resolve(name);
                if (Files.isReadable(candidate)) {
                    identities.add(candidate);
                }
            }
        }
        Optional<String> passphrase = nonEmpty(config.getString("ssh_identity_passphrase" + id));
        Optional<String> password = nonEmpty(config.getString("ssh_password" + id));
        if (identities.isEmpty() && password.isEmpty()) {
            throw new IllegalArgumentException("no SSH key for node " + id + ": set ssh_identity_file" + id
                    + " (or ssh_identity_file for every node) in tidepool.conf, or create ~/.ssh/id_ed25519");
        }
        String knownHosts = config.getString("ssh_known_hosts_file");
        Path knownHostsFile = knownHosts.isBlank() ? home().resolve(".ssh").resolve("known_hosts") : resolve(config, knownHosts);
        Duration connectTimeout = config.getDuration("ssh_connect_timeout");
        return new SshSettings(endpoint, new SshCredentials(identities, passphrase, password), knownHostsFile,
                connectTimeout, SshSettings.DEFAULT_KEEP_ALIVE, nonEmpty(config.getString("ssh_sudo_user" + id)));
    }

    private static Path resolve(PgpoolConfig config, String file) {
        if (file.equals("~")) {
            return home();
        }
        if (file.startsWith("~/")) {
            return home().resolve(file.substring(2));
        }
        return config.resolvePath(file);
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home"));
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
