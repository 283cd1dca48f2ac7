package io.tidepool.ops.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directories of a {@link LocalCluster}: the base directory (temporary, named after the
 * owning JVM, or one given), {@code node<i>/} per node, and {@code run/} for the Unix sockets.
 * Everything but the data directories is readable and traversable by everyone: a proxy or
 * pgpool-II started by a test under another user must reach the logs and sockets.
 */
final class ClusterLayout {

    /** In a temporary cluster: the owner JVM's pid and start time, checked by {@link ClusterDirectories#removeAbandoned}. */
    static final String OWNER_FILE = "owner";

    /** A Unix socket path may have at most 107 bytes; {@code /.s.PGSQL.65535.lock} takes 21 of them. */
    private static final int MAX_SOCKET_DIR_LENGTH = 85;

    private static final Set<PosixFilePermission> OPEN = PosixFilePermissions.fromString("rwxr-xr-x");

    private ClusterLayout() {
    }

    /** Parent of temporary clusters: {@link LocalCluster#TMPDIR_PROPERTY} when set, else {@code java.io.tmpdir}. */
    static Path temporaryParent() {
        return Path.of(System.getProperty(LocalCluster.TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
    }

    /** A new temporary base directory, stamped with this JVM as its owner. */
    static Path createTemporaryBase() {
        try {
            Path parent = temporaryParent();
            Files.createDirectories(parent);
            Path base = Files.createTempDirectory(parent, LocalCluster.TEMPORARY_PREFIX + ProcessHandle.current().pid() + "-");
            Files.writeString(base.resolve(OWNER_FILE), ClusterDirectories.ownerStamp(ProcessHandle.current()));
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster directory", e);
        }
    }

    /** {@code directory}, created if absent; it must hold neither a cluster nor anything else. */
    static Path createPersistentBase(Path directory) {
        Path base = directory.toAbsolutePath().normalize();
        if (Files.exists(base.resolve(ClusterDescriptor.FILE))) {
            throw new LocalClusterException("a cluster already exists in " + base
                    + "; open it with LocalCluster.open(dir) or remove it with destroy()");
        }
        try {
            Files.createDirectories(base);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
                if (entries.iterator().hasNext()) {
                    throw new LocalClusterException("cannot create a cluster in " + base + ": the directory is not empty");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster directory", e);
        }
        return base;
    }

    /** {@code base/run}, or a new temporary directory when that path is too long for a Unix socket. */
    static Path socketDirectoryFor(Path base) {
        Path sockets = base.resolve("run");
        if (sockets.toString().length() <= MAX_SOCKET_DIR_LENGTH) {
            return sockets;
        }
        try {
            return Files.createTempDirectory("tidepool-sock-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the socket directory and {@code node0..node<nodeCount-1>}, opens them to everyone and hands them to the server user. */
    static void prepare(Path base, Path sockets, int nodeCount, ServerUser serverUser) {
        try {
            Files.createDirectories(sockets);
            for (int i = 0; i < nodeCount; i++) {
                Files.createDirectories(base.resolve("node" + i));
            }
            // The data directories, made later by initdb and pg_basebackup, stay 0700.
            Files.setPosixFilePermissions(base, OPEN);
            Files.setPosixFilePermissions(sockets, OPEN);
            for (int i = 0; i < nodeCount; i++) {
                Files.setPosixFilePermissions(base.resolve("node" + i), OPEN);
            }
            serverUser.own(base);
            serverUser.own(sockets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        serverUser.checkCanWrite(base);
    }

    /** Recreates a socket directory outside the cluster (long paths) that lives in /tmp, which a reboot empties. */
    static void restoreSocketDirectory(Path sockets, ServerUser serverUser) {
        if (Files.isDirectory(sockets)) {
            return;
        }
        try {
            Files.createDirectories(sockets);
            Files.setPosixFilePermissions(sockets, OPEN);
            serverUser.own(sockets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the socket directory " + sockets, e);
        }
    }
}
