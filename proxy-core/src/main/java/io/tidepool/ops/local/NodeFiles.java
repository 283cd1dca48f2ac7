package io.tidepool.ops.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration files LocalCluster writes into a node's data directory: {@code tidepool.conf}
 * (included from {@code postgresql.conf}), {@code pg_hba.conf} and {@code primary_conninfo} in
 * {@code postgresql.auto.conf}. Every file ends up owned by the server user, so that
 * {@code pg_rewind}, which rewrites the whole data directory, can replace it.
 */
final class NodeFiles {

    static final String SETTINGS_FILE = "tidepool.conf";

    private final ServerUser serverUser;
    private final Path socketDirectory;
    private final Map<String, String> extraSettings;

    NodeFiles(ServerUser serverUser, Path socketDirectory, Map<String, String> extraSettings) {
        this.serverUser = serverUser;
        this.socketDirectory = socketDirectory;
        this.extraSettings = Map.copyOf(extraSettings);
    }

    /** Makes {@code postgresql.conf} (as initdb wrote it) include {@code tidepool.conf}. */
    void appendInclude(LocalNode node) {
        Path conf = node.dataDirectory().resolve("postgresql.conf");
        try {
            String text = Files.readString(conf, StandardCharsets.UTF_8);
            String include = "include_if_exists = '" + SETTINGS_FILE + "'";
            if (!text.contains(include)) {
                Files.writeString(conf, text + "\n# Tidepool LocalCluster settings (port, sockets, replication, logging)\n"
                        + include + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code tidepool.conf}: the settings that differ per node and those the tests rely on. */
    void writeSettings(LocalNode node) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "'" + LocalNode.HOST + "'");
        settings.put("port", Integer.toString(node.port()));
        settings.put("unix_socket_directories", "'" + socketDirectory + "'");
        settings.put("cluster_name", "'" + node.name() + "'");
        settings.put("max_connections", "100");
        settings.put("shared_buffers", "'16MB'");
        // Test speed over durability: a killed server keeps what the OS cache holds, which is enough
        // for the kill/restart tests; a lost machine is not what these clusters simulate.
        settings.put("fsync", "off");
        settings.put("synchronous_commit", "off");
        // Without synchronous commit a commit reaches the standbys when the WAL writer next flushes:
        // within 10 ms rather than the default 200, so a read balanced to a standby right after a
        // write (the demo, a test) does not miss it for a fifth of a second. The writer sleeps
        // longer by itself when there is nothing to write.
        settings.put("wal_writer_delay", "'10ms'");
        // pg_rewind needs full_page_writes (the default) and wal_log_hints or data checksums.
        settings.put("full_page_writes", "on");
        settings.put("wal_log_hints", "on");
        settings.put("wal_level", "replica");
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        settings.put("wal_keep_size", "'256MB'");
        settings.put("max_wal_size", "'256MB'");
        settings.put("hot_standby", "on");
        // Standbys report and reconnect within a second, so waits in tests stay short.
        settings.put("wal_receiver_status_interval", "'1s'");
        settings.put("wal_retrieve_retry_interval", "'1s'");
        settings.put("logging_collector", "off");
        settings.put("log_line_prefix", "'%m [%p] %q%a %u@%d '");
        settings.put("log_timezone", "'UTC'");
        settings.put("timezone", "'UTC'");
        settings.putAll(extraSettings);
        StringBuilder text = new StringBuilder("# Written by Tidepool's LocalCluster for ").append(node.name())
                .append("; rewritten when the cluster is built. Use ALTER SYSTEM for changes.\n");
        settings.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        writeServerFile(node.dataDirectory().resolve(SETTINGS_FILE), text.toString());
    }

    /** Writes {@code pg_hba.conf}: {@code customRules} first (the first match wins), then loopback and socket lines. */
    void writeHba(LocalNode node, AuthMethod localAuth, AuthMethod hostAuth, List<String> customRules) {
        StringBuilder text = new StringBuilder("# Written by Tidepool's LocalCluster.\n");
        for (String rule : customRules) {
            text.append(rule).append('\n');
        }
        String local = localAuth.hbaKeyword();
        String host = hostAuth.hbaKeyword();
        text.append("local   all          all                  ").append(local).append('\n')
                .append("host    all          all   127.0.0.1/32   ").append(host).append('\n')
                .append("host    all          all   ::1/128        ").append(host).append('\n')
                .append("local   replication  all                  ").append(local).append('\n')
                .append("host    replication  all   127.0.0.1/32   ").append(host).append('\n')
                .append("host    replication  all   ::1/128        ").append(host).append('\n');
        writeServerFile(node.dataDirectory().resolve("pg_hba.conf"), text.toString());
    }

    /** Appends {@code primary_conninfo} to {@code postgresql.auto.conf}; the last line of a setting wins. */
    void appendPrimaryConninfo(LocalNode standby, String conninfo) {
        Path auto = standby.dataDirectory().resolve("postgresql.auto.conf");
        try {
            Files.writeString(auto, "primary_conninfo = " + LocalCluster.literal(conninfo) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            serverUser.own(auto);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file the server reads or may rewrite, owned by the server user, mode 0600. */
    void writeServerFile(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            serverUser.own(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
