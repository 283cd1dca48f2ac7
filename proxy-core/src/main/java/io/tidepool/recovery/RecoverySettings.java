package io.tidepool.recovery;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.PoolKey;
import io.tidepool.auth.PoolPasswdEntry;
import io.tidepool.auth.PoolPasswdFile;
import io.tidepool.cluster.ClusteringMode;
import io.tidepool.config.BackendDefinition;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.ops.ssh.NodeSshSettings;
import io.tidepool.ops.ssh.SshSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything the configuration says about recovering one node from one source node: the two
 * nodes, how to reach their hosts (SSH) and servers (SQL), the replication login, the scripts and
 * the limits. Immutable; made fresh for each recovery, so a reload applies to the next one.
 *
 * @param mode               backend_clustering_mode
 * @param target             the node to recover
 * @param source             the primary (streaming replication) or main node it is rebuilt from
 * @param targetSsh          SSH to the target's host
 * @param sourceSsh          SSH to the source's host (script mode without the pgpool_recovery extension)
 * @param sourceSql          recovery_user on recovery_database of the source
 * @param targetSql          recovery_user on database postgres of the target (the postmaster check)
 * @param replicationUser    role the recovered standby streams as
 * @param replicationPassword its password (may be empty: trust, or a .pgpass on the target's host)
 * @param applicationName    the standby's application_name (backend_application_nameN, else {@code tidepool_nodeN})
 * @param slotName           physical replication slot to use, when recovery_replication_slot is on
 * @param targetBinDir       pg_bin_dirN; empty = the source's own binary directory
 * @param method             recovery_method: auto, rewind or basebackup
 * @param firstStage         recovery_1st_stage_command (empty = built-in recovery)
 * @param secondStage        recovery_2nd_stage_command
 * @param recoveryTimeout    recovery_timeout: bound on waiting for the server to start, to stream, for sessions to end
 * @param idleLimit          client_idle_limit_in_recovery
 * @param basebackupOptions  recovery_basebackup_options, appended to pg_basebackup as written
 */
public record RecoverySettings(ClusteringMode mode, BackendDefinition target, BackendDefinition source,
                               SshSettings targetSsh, SshSettings sourceSsh, SqlTarget sourceSql, SqlTarget targetSql,
                               String replicationUser, String replicationPassword, String applicationName,
                               Optional<String> slotName, String targetBinDir, String method, String firstStage,
                               String secondStage, Duration recoveryTimeout, Duration idleLimit,
                               String basebackupOptions) {

    /** Reads the settings for recovering {@code target} from {@code source}. */
    public static RecoverySettings from(PgpoolConfig config, BackendDefinition target, BackendDefinition source)
            throws RecoveryException {
        ClusteringMode mode = ClusteringMode.fromConfigName(config.getString("backend_clustering_mode"))
                .orElse(ClusteringMode.STREAMING_REPLICATION);
        String user = config.getString("recovery_user");
        if (user.isEmpty()) {
            throw RecoveryException.refused("node recovery failed: recovery_user is not set",
                    "set recovery_user (a superuser) and recovery_password in pgpool.conf");
        }
        String password = password(config, user, config.getString("recovery_password"));
        String database = config.getString("recovery_database");
        SshSettings targetSsh;
        SshSettings sourceSsh;
        try {
            targetSsh = NodeSshSettings.forNode(config, target);
            sourceSsh = NodeSshSettings.forNode(config, source);
        } catch (IllegalArgumentException e) {
            throw RecoveryException.refused("node recovery failed: " + e.getMessage(), "");
        }
        String replicationUser = config.getString("recovery_replication_user");
        String replicationPassword = config.getString("recovery_replication_password");
        if (replicationUser.isEmpty()) {
            replicationUser = user;
            if (replicationPassword.isEmpty()) {
                replicationPassword = password;
            }
        }
        String applicationName = target.applicationName().isEmpty() ? "tidepool_node" + target.id() : target.applicationName();
        Optional<String> slot = config.getBoolean("recovery_replication_slot")
                ? Optional.of(slotName(applicationName)) : Optional.empty();
        return new RecoverySettings(mode, target, source, targetSsh, sourceSsh,
                new SqlTarget(normalizedHost(source.hostname()), source.port(), database, user, password),
                new SqlTarget(normalizedHost(target.hostname()), target.port(), "postgres", user, password),
                replicationUser, replicationPassword, applicationName, slot,
                config.getString("pg_bin_dir" + target.id()),
                config.getString("recovery_method").toLowerCase(Locale.ROOT),
                config.getString("recovery_1st_stage_command"), config.getString("recovery_2nd_stage_command"),
                config.getDuration("recovery_timeout"), config.getDuration("client_idle_limit_in_recovery"),
                config.getString("recovery_basebackup_options"));
    }

    /**
     * pgpool-II's rule for host names passed to the recovery functions (spec 3.2): empty or a
     * socket directory means {@code localhost}.
     */
    static String normalizedHost(String host) {
        return host.isEmpty() || host.startsWith("/") ? "localhost" : host;
    }

    /** A valid slot name (lower-case letters, digits, underscores) made from the application name. */
    static String slotName(String applicationName) {
        String cleaned = applicationName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }

    /**
     * recovery_password, or when empty the user's pool_passwd entry (clear text, or AES with the
     * pool key); an md5 password is refused, as pgpool-II does.
     */
    private static String password(PgpoolConfig config, String user, String configured) throws RecoveryException {
        if (configured.startsWith("md5")) {
            throw RecoveryException.refused("the password of recovery_user " + user + " is invalid format",
                    "recovery_password must be clear text, TEXT-prefixed or AES-encrypted, not an md5 hash");
        }
        if (configured.startsWith("TEXT")) {
            return configured.substring(4);
        }
        if (configured.startsWith(AesPasswordCipher.PREFIX)) {
            return decrypt(config, configured).orElseThrow(() -> RecoveryException.refused(
                    "cannot decrypt recovery_password of " + user, "no readable pool key (.pgpoolkey)"));
        }
        if (!configured.isEmpty()) {
            return configured;
        }
        Optional<Path> file = config.poolPasswdFile();
        if (file.isEmpty() || !Files.isReadable(file.get())) {
            return "";
        }
        try {
            Optional<PoolPasswdEntry> entry = PoolPasswdFile.read(file.get()).find(user);
            if (entry.isEmpty()) {
                return "";
            }
            if (entry.get().type() == PoolPasswdEntry.PasswordType.MD5) {
                throw RecoveryException.refused("the password of recovery_user " + user + " is invalid format",
                        "its pool_passwd entry is an md5 hash; set recovery_password");
            }
            return entry.get().clearText(cipher(config)).orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<String> decrypt(PgpoolConfig config, String stored) {
        return cipher(config).map(c -> c.decrypt(stored));
    }

    /** The pool key of {@code -k}, else the process default ({@code PGPOOLKEYFILE}, {@code ~/.pgpoolkey}). */
    private static Optional<AesPasswordCipher> cipher(PgpoolConfig config) {
        try {
            Path keyFile = PoolKey.fileFor(config.poolKeyFile());
            if (!Files.isReadable(keyFile)) {
                return Optional.empty();
            }
            return Optional.of(new AesPasswordCipher(PoolKey.readFile(keyFile)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Passwords stay out of logs. */
    @Override
    public String toString() {
        return "RecoverySettings[node " + target.id() + " from node " + source.id() + ", mode " + mode.configName()
                + ", method " + method + (firstStage.isEmpty() ? "" : ", 1st stage " + firstStage) + "]";
    }
}
