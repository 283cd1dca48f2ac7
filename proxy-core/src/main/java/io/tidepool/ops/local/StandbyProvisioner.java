package io.tidepool.ops.local;

import io.tidepool.server.ShutdownMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a node of a {@link LocalCluster} a standby of a primary: a new one by
 * {@code pg_basebackup -R}, a former primary by {@code pg_rewind} or by throwing its data away
 * and taking a new base backup. A standby streams as the cluster's replication role with its
 * node name as {@code application_name}, which is how it shows up in {@code pg_stat_replication}.
 */
final class StandbyProvisioner {

    private final LocalCluster cluster;

    StandbyProvisioner(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** How {@code standby} connects to {@code primary} for streaming. */
    String conninfo(LocalNode standby, LocalNode primary) {
        return "host=" + LocalNode.HOST + " port=" + primary.port() + " user=" + cluster.replicationUser()
                + " password=" + cluster.replicationPassword() + " application_name=" + standby.name();
    }

    /** Fills the empty data directory of {@code standby} with a base backup of {@code primary}, set up to stream from it. */
    void baseBackup(LocalNode standby, LocalNode primary) {
        String conninfo = conninfo(standby, primary);
        cluster.serverCommand(List.of(cluster.binaries().pgBasebackup().toString(), "-D", standby.dataDirectory().toString(),
                        "-d", conninfo, "-R", "-X", "stream", "-c", "fast", "--no-sync"))
                .timeout(Duration.ofMinutes(5)).run()
                .orThrow("pg_basebackup for " + standby + " from " + primary);
        Path auto = standby.dataDirectory().resolve("postgresql.auto.conf");
        try {
            String text = Files.readString(auto, StandardCharsets.UTF_8);
            if (!text.contains("application_name=" + standby.name()) && !text.contains("application_name='" + standby.name() + "'")) {
                // Older pg_basebackup versions leave application_name out of the conninfo they write.
                cluster.files().appendPrimaryConninfo(standby, conninfo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Turns the stopped former primary {@code target} into a standby of {@code newPrimary} with {@code pg_rewind}. */
    void rewind(LocalNode target, LocalNode newPrimary) {
        if (target.isRunning()) {
            throw new LocalClusterException("stop or kill " + target + " before rewinding it");
        }
        String source = "host=" + LocalNode.HOST + " port=" + newPrimary.port() + " user=" + cluster.superuser()
                + " password=" + cluster.superuserPassword() + " dbname=postgres application_name=" + target.name();
        // A just-promoted server records its new timeline in pg_control only at its next
        // checkpoint; before that pg_rewind sees one timeline and wrongly finds nothing to do.
        newPrimary.execute("CHECKPOINT");
        // pg_rewind runs crash recovery itself when the target was killed (PostgreSQL 13+), and
        // writes standby.signal with -R.
        cluster.serverCommand(List.of(cluster.binaries().pgRewind().toString(), "-D", target.dataDirectory().toString(),
                        "--source-server=" + source, "-R", "--no-sync"))
                .timeout(Duration.ofMinutes(5)).run()
                .orThrow("pg_rewind of " + target + " from " + newPrimary);
        // pg_rewind copied the source's configuration files: put this node's own back.
        cluster.writeConfiguration(target);
        cluster.files().appendPrimaryConninfo(target, conninfo(target, newPrimary));
    }

    /** Stops {@code target}, replaces its data with a base backup of {@code newPrimary} and starts it as a standby. */
    void rebuild(LocalNode target, LocalNode newPrimary) {
        target.stop(ShutdownMode.IMMEDIATE);
        target.kill();
        List<String> problems = new ArrayList<>();
        ClusterDirectories.deleteTree(target.dataDirectory(), problems);
        if (Files.exists(target.dataDirectory())) {
            throw new LocalClusterException("cannot remove " + target.dataDirectory() + ": " + problems);
        }
        baseBackup(target, newPrimary);
        cluster.writeConfiguration(target);
        target.start();
    }
}
