package io.tidepool.ops.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removing cluster directories for good, also ones whose owner is gone: find the servers that
 * still run from them, SIGKILL those, delete the files. Only servers whose
 * {@code postmaster.pid} names a data directory inside the directory being removed are
 * touched, so a sweep never hits a cluster it does not own.
 */
final class ClusterDirectories {

    private static final Logger log = LoggerFactory.getLogger(ClusterDirectories.class);

    private static final Pattern TEMPORARY_NAME = Pattern.compile(Pattern.quote(LocalCluster.TEMPORARY_PREFIX) + "(\\d+)-.*");

    private ClusterDirectories() {
    }

    /** Removes the temporary clusters under {@code parent} whose owning JVM is gone; returns them. */
    static List<Path> removeAbandoned(Path parent) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return removed;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, LocalCluster.TEMPORARY_PREFIX + "*")) {
            for (Path dir : entries) {
                Matcher matcher = TEMPORARY_NAME.matcher(dir.getFileName().toString());
                if (!matcher.matches() || !Files.isDirectory(dir) || ownerAlive(dir, Long.parseLong(matcher.group(1)))) {
                    continue;
                }
                try {
                    forceRemove(dir);
                    removed.add(dir);
                    log.info("removed abandoned local cluster {}", dir);
                } catch (RuntimeException e) {
                    log.warn("could not remove abandoned local cluster {}: {}", dir, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("cannot scan {} for abandoned clusters: {}", parent, e.getMessage());
        }
        return removed;
    }

    private static boolean ownerAlive(Path dir, long pid) {
        Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (owner.isEmpty()) {
            return false;
        }
        try {
            // Guards against pid reuse: the same pid with another start time is another process.
            return Files.readString(dir.resolve(ClusterLayout.OWNER_FILE)).trim().equals(ownerStamp(owner.get()));
        } catch (IOException e) {
            return true; // Being created right now, or unreadable: leave it.
        }
    }

    static String ownerStamp(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Object::toString).orElse("?");
    }

    /** SIGKILLs every server whose data directory is under {@code base} and deletes {@code base}. */
    static void forceRemove(Path base) {
        killServersUnder(base);
        List<String> problems = new ArrayList<>();
        ClusterDescriptor.read(base).map(p -> p.getProperty("socket.directory")).map(Path::of)
                .filter(sockets -> !sockets.startsWith(base)).ifPresent(sockets -> deleteTree(sockets, problems));
        deleteTree(base, problems);
        if (Files.exists(base)) {
            throw new LocalClusterException("could not remove " + base + ": " + problems);
        }
    }

    /**
     * SIGKILLs the servers of {@code base}'s nodes, and any other daemon started from a
     * subdirectory of it that left a pid file there (PgBouncer of the benchmark: once the
     * directory is gone nothing could find it any more).
     */
    static void killServersUnder(Path base) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (DirectoryStream<Path> nodeDirs = Files.newDirectoryStream(base)) {
            for (Path nodeDir : nodeDirs) {
                killDaemonsOf(nodeDir);
                Path pidFile = nodeDir.resolve("data").resolve("postmaster.pid");
                if (!Files.isRegularFile(pidFile)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                if (lines.size() < 2 || !lines.get(0).trim().matches("\\d+")) {
                    continue;
                }
                // Line 2 of postmaster.pid is the data directory: only kill the server that owns this one.
                Path dataDir = Path.of(lines.get(1).trim());
                ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true))
                        .filter(p -> dataDir.startsWith(base))
                        .ifPresent(ExternalCommand::killTree);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills the processes named by {@code *.pid} files directly in {@code dir} whose command line
     * mentions {@code dir}: a pid file left behind by a process that is gone, its pid now another
     * program's, is never acted on.
     */
    private static void killDaemonsOf(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(dir, "*.pid")) {
            for (Path pidFile : pidFiles) {
                String text = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
                if (!text.matches("\\d{1,10}")) {
                    continue;
                }
                ProcessHandle.of(Long.parseLong(text))
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().commandLine().map(line -> line.contains(dir.toString())).orElse(false))
                        .ifPresent(ExternalCommand::killTree);
            }
        }
    }

    static void deleteTree(Path root, List<String> problems) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    if (!(exc instanceof NoSuchFileException)) {
                        problems.add(file + ": " + exc.getMessage());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
    }
}
