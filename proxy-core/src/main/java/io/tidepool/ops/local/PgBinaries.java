package io.tidepool.ops.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local PostgreSQL programs: where the server binaries are and which version they are.
 *
 * <p>{@link #locate()} looks, in this order, at an explicit override (system property
 * {@value #BINDIR_PROPERTY} or environment variable {@value #BINDIR_ENV}; when set, nothing
 * else is considered), at {@code pg_config --bindir}, at every {@code PATH} entry, and at
 * {@code /usr/lib/postgresql/*}{@code /bin} (Debian, Ubuntu), {@code /usr/pgsql-*}{@code /bin}
 * (RPM) and {@code /usr/local/pgsql/bin}. Of the directories that hold all of
 * {@link #SERVER_PROGRAMS}, the highest PostgreSQL version wins.
 *
 * <p>Client programs ({@code psql}, {@code pgbench}, {@code pg_rewind}) are taken from the
 * chosen directory first, then from {@code PATH}. A missing program fails with a message that
 * names the Debian package to install.
 */
public final class PgBinaries {

    public static final String BINDIR_PROPERTY = "tidepool.pg.bindir";
    public static final String BINDIR_ENV = "TIDEPOOL_PG_BINDIR";

    /** What a cluster cannot be built without. */
    public static final List<String> SERVER_PROGRAMS = List.of("initdb", "postgres", "pg_ctl", "pg_basebackup");

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

    private static final String INSTALL_HINT =
            "install them with `apt-get install postgresql postgresql-contrib` (Debian/Ubuntu; "
                    + "`installers/dev/install-deps.sh test` does it), or point -D" + BINDIR_PROPERTY
                    + " or " + BINDIR_ENV + " at a directory holding " + String.join(", ", SERVER_PROGRAMS);

    /** Debian package per program, for error messages. {@code %d} is the major version. */
    private static final Map<String, String> DEBIAN_PACKAGE = Map.of(
            "psql", "postgresql-client-%d",
            "pgbench", "postgresql-%d (Debian 12; postgresql-contrib on older releases)",
            "pg_rewind", "postgresql-%d",
            "pg_isready", "postgresql-client-%d",
            "pg_dump", "postgresql-client-%d");

    private static volatile PgBinaries located;

    private final Path bindir;
    private final int majorVersion;
    private final String version;

    private PgBinaries(Path bindir, int majorVersion, String version) {
        this.bindir = bindir;
        this.majorVersion = majorVersion;
        this.version = version;
    }

    /** Finds the server binaries as described in the class comment; the answer is cached per JVM. */
    public static PgBinaries locate() {
        Optional<Path> override = override();
        if (override.isPresent()) {
            return in(override.get());
        }
        PgBinaries result = located;
        if (result == null) {
            result = search();
            located = result;
        }
        return result;
    }

    private static Optional<Path> override() {
        String dir = System.getProperty(BINDIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(BINDIR_ENV);
        }
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir.trim()));
    }

    /** The binaries in exactly this directory; fails when any of {@link #SERVER_PROGRAMS} is missing there. */
    public static PgBinaries in(Path bindir) {
        List<String> missing = missingServerPrograms(bindir);
        if (!missing.isEmpty()) {
            throw new PgBinariesMissingException("PostgreSQL server programs missing in " + bindir + ": "
                    + String.join(", ", missing) + "; " + INSTALL_HINT);
        }
        return probe(bindir);
    }

    private static PgBinaries search() {
        Set<Path> candidates = candidateDirectories();
        List<PgBinaries> usable = new ArrayList<>();
        for (Path dir : candidates) {
            if (missingServerPrograms(dir).isEmpty()) {
                try {
                    usable.add(probe(dir));
                } catch (LocalClusterException e) {
                    // A broken installation among several: skip it, a later one may work.
                }
            }
        }
        return usable.stream()
                .max(Comparator.comparingInt(PgBinaries::majorVersion))
                .orElseThrow(() -> new PgBinariesMissingException(
                        "PostgreSQL server programs (" + String.join(", ", SERVER_PROGRAMS) + ") not found; looked in "
                                + (candidates.isEmpty() ? "pg_config, PATH and /usr/lib/postgresql/*/bin" : candidates)
                                + "; " + INSTALL_HINT));
    }

    private static Set<Path> candidateDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        ExternalCommand.onPath("pg_config").ifPresent(pgConfig -> {
            try {
                CommandResult result = ExternalCommand.of(pgConfig.toString(), "--bindir")
                        .timeout(Duration.ofSeconds(10)).run();
                if (result.succeeded() && !result.stdout().isBlank()) {
                    dirs.add(Path.of(result.stdout().trim()));
                }
            } catch (LocalClusterException e) {
                // pg_config is only a hint.
            }
        });
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    dirs.add(Path.of(entry));
                }
            }
        }
        dirs.addAll(globBinDirs(Path.of("/usr/lib/postgresql"), "*"));
        dirs.addAll(globBinDirs(Path.of("/usr"), "pgsql-*"));
        dirs.add(Path.of("/usr/local/pgsql/bin"));
        dirs.removeIf(dir -> !Files.isDirectory(dir));
        return dirs;
    }

    private static List<Path> globBinDirs(Path parent, String glob) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return found;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent, glob)) {
            stream.forEach(dir -> found.add(dir.resolve("bin")));
        } catch (IOException e) {
            // Unreadable: nothing to find there.
        }
        return found;
    }

    private static List<String> missingServerPrograms(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String program : SERVER_PROGRAMS) {
            if (!isExecutable(dir.resolve(program))) {
                missing.add(program);
            }
        }
        return missing;
    }

    private static boolean isExecutable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static PgBinaries probe(Path dir) {
        CommandResult result = ExternalCommand.of(dir.resolve("pg_ctl").toString(), "--version")
                .timeout(Duration.ofSeconds(10)).run()
                .orThrow("asking " + dir.resolve("pg_ctl") + " for its version");
        Matcher matcher = VERSION.matcher(result.stdout());
        if (!matcher.find()) {
            throw new LocalClusterException("cannot read the PostgreSQL version from: " + result.stdout().trim());
        }
        int major = Integer.parseInt(matcher.group(1));
        String full = matcher.group(2) == null ? matcher.group(1) : matcher.group(1) + "." + matcher.group(2);
        return new PgBinaries(dir.toAbsolutePath().normalize(), major, full);
    }

    public Path bindir() {
        return bindir;
    }

    /** For example 15. */
    public int majorVersion() {
        return majorVersion;
    }

    /** For example {@code 15.18}. */
    public String version() {
        return version;
    }

    public Path initdb() {
        return bindir.resolve("initdb");
    }

    public Path postgres() {
        return bindir.resolve("postgres");
    }

    public Path pgCtl() {
        return bindir.resolve("pg_ctl");
    }

    public Path pgBasebackup() {
        return bindir.resolve("pg_basebackup");
    }

    public Path psql() {
        return program("psql");
    }

    public Path pgbench() {
        return program("pgbench");
    }

    public Path pgRewind() {
        return program("pg_rewind");
    }

    /**
     * Any PostgreSQL program, from the server directory first, then {@code PATH}. Note that on
     * Debian {@code /usr/bin/psql} is a wrapper script picking a version; the one beside the
     * server binaries is preferred so clients match the server.
     */
    public Path program(String name) {
        return findProgram(name).orElseThrow(() -> new PgBinariesMissingException(
                "PostgreSQL program " + name + " not found in " + bindir + " or on PATH; install the Debian package "
                        + String.format(DEBIAN_PACKAGE.getOrDefault(name, "postgresql-%d"), majorVersion)));
    }

    public Optional<Path> findProgram(String name) {
        Path beside = bindir.resolve(name);
        if (isExecutable(beside)) {
            return Optional.of(beside);
        }
        return ExternalCommand.onPath(name);
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " in " + bindir;
    }
}
