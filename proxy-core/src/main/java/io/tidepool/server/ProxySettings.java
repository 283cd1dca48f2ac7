package io.tidepool.server;

import io.tidepool.backend.BackendNode;
import io.tidepool.config.BackendDefinition;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.frontend.SessionSettings;
import io.tidepool.protocol.ProtocolLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of pgpool.conf the proxy server reads, typed. Built once per (re)load from
 * {@link PgpoolConfig}; tests may build it directly.
 *
 * @param listenAddresses       {@code listen_addresses} split on commas: host names, IP
 *                              addresses, {@code *} for all interfaces; empty: no TCP listener
 * @param port                  {@code port}; 0 picks a free port (tests)
 * @param unixSocketDirectories {@code unix_socket_directories}; the socket file is {@code .s.PGSQL.<port>}
 * @param unixSocketPermissions {@code unix_socket_permissions}, e.g. {@code 0777}
 * @param backlog               accept queue: {@code num_init_children * listen_backlog_multiplier}
 * @param clusteringMode        {@code backend_clustering_mode}
 * @param session               what sessions read
 * @param serving               admission limits and routing (streaming and logical replication modes)
 * @param workerThreads         {@code worker_threads} (tidepool.conf): event loops serving the
 *                              sessions; 0 = one per core
 */
public record ProxySettings(
        List<String> listenAddresses,
        int port,
        List<Path> unixSocketDirectories,
        int unixSocketPermissions,
        int backlog,
        String clusteringMode,
        SessionSettings session,
        ServingSettings serving,
        int workerThreads) {

    public ProxySettings {
        listenAddresses = List.copyOf(listenAddresses);
        unixSocketDirectories = List.copyOf(unixSocketDirectories);
        if (workerThreads < 0) {
            throw new IllegalArgumentException("workerThreads must be 0 (automatic) or more: " + workerThreads);
        }
    }

    /** With the automatic number of worker threads. */
    public ProxySettings(List<String> listenAddresses, int port, List<Path> unixSocketDirectories, int unixSocketPermissions,
                         int backlog, String clusteringMode, SessionSettings session, ServingSettings serving) {
        this(listenAddresses, port, unixSocketDirectories, unixSocketPermissions, backlog, clusteringMode, session,
                serving, 0);
    }

    /** Without admission limits, default routing. */
    public ProxySettings(List<String> listenAddresses, int port, List<Path> unixSocketDirectories, int unixSocketPermissions,
                         int backlog, String clusteringMode, SessionSettings session) {
        this(listenAddresses, port, unixSocketDirectories, unixSocketPermissions, backlog, clusteringMode, session,
                ServingSettings.unlimited());
    }

    /** Whether sessions route statements over several nodes (streaming or logical replication). */
    public boolean routesStatements() {
        return "streaming_replication".equalsIgnoreCase(clusteringMode)
                || "logical_replication".equalsIgnoreCase(clusteringMode);
    }

    /** The same, in streaming-replication mode with {@code newServing}. */
    public ProxySettings streaming(ServingSettings newServing) {
        return new ProxySettings(listenAddresses, port, unixSocketDirectories, unixSocketPermissions, backlog,
                "streaming_replication", session, newServing, workerThreads);
    }

    public ProxySettings withServing(ServingSettings newServing) {
        return new ProxySettings(listenAddresses, port, unixSocketDirectories, unixSocketPermissions, backlog,
                clusteringMode, session, newServing, workerThreads);
    }
    /** Loopback only, no Unix socket, raw mode: what tests usually want. */
    public static ProxySettings loopback(int port, List<BackendNode> backends) {
        return new ProxySettings(List.of("127.0.0.1"), port, List.of(), 0777, 128, "raw",
                SessionSettings.defaults(backends));
    }

    public ProxySettings withSession(SessionSettings newSession) {
        return new ProxySettings(listenAddresses, port, unixSocketDirectories, unixSocketPermissions, backlog,
                clusteringMode, newSession, serving, workerThreads);
    }

    public ProxySettings withUnixSocketDirectories(List<Path> directories) {
        return new ProxySettings(listenAddresses, port, directories, unixSocketPermissions, backlog, clusteringMode,
                session, serving, workerThreads);
    }

    public ProxySettings withListenAddresses(List<String> addresses) {
        return new ProxySettings(addresses, port, unixSocketDirectories, unixSocketPermissions, backlog,
                clusteringMode, session, serving, workerThreads);
    }

    public ProxySettings withWorkerThreads(int threads) {
        return new ProxySettings(listenAddresses, port, unixSocketDirectories, unixSocketPermissions, backlog,
                clusteringMode, session, serving, threads);
    }

    /** Reads the proxy's parameters from a loaded configuration. */
    public static ProxySettings from(PgpoolConfig config) {
        List<BackendNode> backends = new ArrayList<>();
        for (BackendDefinition definition : config.backends()) {
            backends.add(new BackendNode(definition.id(), definition.hostname(), definition.port()));
        }
        Duration connectTimeout = config.getDuration("connect_timeout");
        SessionSettings session = new SessionSettings(
                backends,
                ProtocolLimits.POSTGRESQL,
                // 0 means "wait as long as the OS does"; Netty needs a number: one minute.
                connectTimeout.isZero() ? Duration.ofMinutes(1) : connectTimeout,
                config.getDuration("authentication_timeout"),
                config.getBoolean("log_connections"),
                config.getBoolean("log_disconnections"),
                config.getBoolean("log_statement"),
                config.getBoolean("log_client_messages"));
        int backlog = Math.max(1, config.getInt("num_init_children")) * Math.max(1, config.getInt("listen_backlog_multiplier"));
        return new ProxySettings(
                config.getList("listen_addresses"),
                config.getInt("port"),
                config.getList("unix_socket_directories").stream().map(Path::of).toList(),
                config.getInt("unix_socket_permissions"),
                backlog,
                config.getString("backend_clustering_mode"),
                session,
                ServingSettings.from(config),
                config.getInt("worker_threads"));
    }

    /** The parameters whose change only a restart applies, compared with {@code other}. */
    List<String> restartNeededComparedTo(ProxySettings other) {
        List<String> names = new ArrayList<>();
        if (!listenAddresses.equals(other.listenAddresses)) {
            names.add("listen_addresses");
        }
        if (port != other.port) {
            names.add("port");
        }
        if (!unixSocketDirectories.equals(other.unixSocketDirectories)) {
            names.add("unix_socket_directories");
        }
        if (unixSocketPermissions != other.unixSocketPermissions) {
            names.add("unix_socket_permissions");
        }
        if (backlog != other.backlog) {
            names.add("num_init_children");
        }
        if (!clusteringMode.equals(other.clusteringMode)) {
            names.add("backend_clustering_mode");
        }
        if (workerThreads != other.workerThreads) {
            names.add("worker_threads");
        }
        return names;
    }
}
