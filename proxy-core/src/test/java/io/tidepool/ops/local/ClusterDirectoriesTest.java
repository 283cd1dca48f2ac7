package io.tidepool.ops.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Removing a cluster directory also ends the daemons started from it (PgBouncer of the benchmark). */
class ClusterDirectoriesTest {

    @TempDir
    Path base;

    /** A long-running shell whose command line names {@code dir}, as a daemon's names its configuration. */
    private static Process daemonNaming(Path dir) throws Exception {
        return new ProcessBuilder("sh", "-c", "sleep 300; : \"$0\"", dir.resolve("daemon.ini").toString()).start();
    }

    /** Ends the shell and its sleep (which would otherwise outlive the test). */
    private static void stop(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void aDaemonWithAPidFileInTheClusterDirectoryIsKilled() throws Exception {
        Path sub = Files.createDirectory(base.resolve("pgbouncer"));
        Process daemon = daemonNaming(sub);
        try {
            Files.writeString(sub.resolve("pgbouncer.pid"), daemon.pid() + "\n");
            ClusterDirectories.killServersUnder(base);
            assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).as("the daemon ended").isTrue();
        } finally {
            stop(daemon);
        }
    }

    @Test
    void aPidFileNamingAnUnrelatedProcessIsLeftAlone() throws Exception {
        Path sub = Files.createDirectory(base.resolve("pgbouncer"));
        Path elsewhere = Files.createDirectory(base.resolveSibling(base.getFileName() + "-other"));
        Process unrelated = daemonNaming(elsewhere);
        try {
            // a stale pid file whose pid now belongs to a process that has nothing to do with this directory
            Files.writeString(sub.resolve("pgbouncer.pid"), unrelated.pid() + "\n");
            ClusterDirectories.killServersUnder(base);
            assertThat(unrelated.waitFor(500, TimeUnit.MILLISECONDS)).as("still running").isFalse();
        } finally {
            stop(unrelated);
            Files.deleteIfExists(elsewhere);
        }
    }
}
