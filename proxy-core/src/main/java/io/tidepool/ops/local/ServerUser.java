package io.tidepool.ops.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user that local PostgreSQL servers run as.
 *
 * <p>PostgreSQL refuses to start as root. When this JVM is root (CI, containers), every
 * server-side command ({@code initdb}, {@code pg_ctl}, {@code pg_basebackup}, ...) runs through
 * {@code runuser -u <user> --} (or {@code setpriv} where runuser is missing) as the user named
 * by the system property {@value #USER_PROPERTY} when set, else as {@value #DEBIAN_USER} when it
 * exists, else as {@value #DEDICATED_USER}; a named or dedicated user that does not exist yet is
 * created with {@code useradd --system}. The directories the server writes are handed to that
 * user. When this JVM is not root, everything runs as the current user, unchanged.
 */
public final class ServerUser {

    /** When root: run the servers as this OS user (created when missing). */
    public static final String USER_PROPERTY = "tidepool.pg.osuser";
    static final String DEBIAN_USER = "postgres";
    static final String DEDICATED_USER = "tidepool-pg";

    private static volatile ServerUser forThisProcess;

    private final String name;
    private final boolean switched;
    private final List<String> switchPrefix;
    private volatile String group;

    private ServerUser(String name, boolean switched, List<String> switchPrefix) {
        this.name = name;
        this.switched = switched;
        this.switchPrefix = List.copyOf(switchPrefix);
    }

    /** The user for this JVM, decided once. */
    public static ServerUser forThisProcess() {
        ServerUser user = forThisProcess;
        if (user == null) {
            synchronized (ServerUser.class) {
                user = forThisProcess;
                if (user == null) {
                    user = decide();
                    forThisProcess = user;
                }
            }
        }
        return user;
    }

    private static ServerUser decide() {
        if (currentUid() != 0) {
            return new ServerUser(System.getProperty("user.name"), false, List.of());
        }
        String requested = System.getProperty(USER_PROPERTY, "").trim();
        String user;
        if (!requested.isEmpty()) {
            user = ensureUser(requested);
        } else {
            user = userExists(DEBIAN_USER) ? DEBIAN_USER : ensureUser(DEDICATED_USER);
        }
        if (user.equals("root")) {
            throw new LocalClusterException(USER_PROPERTY + " names root; PostgreSQL refuses to run as root");
        }
        // runuser goes through PAM, which some containers refuse; setpriv only changes ids.
        List<List<String>> candidates = new ArrayList<>();
        ExternalCommand.onPath("runuser").ifPresent(runuser -> candidates.add(List.of(runuser.toString(), "-u", user, "--")));
        ExternalCommand.onPath("setpriv").ifPresent(setpriv -> candidates.add(List.of(setpriv.toString(),
                "--reuid=" + user, "--regid=" + primaryGroup(user), "--init-groups", "--reset-env", "--")));
        List<String> failures = new ArrayList<>();
        for (List<String> prefix : candidates) {
            List<String> probe = new ArrayList<>(prefix);
            probe.add("true");
            CommandResult result = ExternalCommand.of(probe).timeout(Duration.ofSeconds(10)).run();
            if (result.succeeded()) {
                return new ServerUser(user, true, prefix);
            }
            failures.add(result.describe());
        }
        throw new LocalClusterException("running as root, PostgreSQL must run as another user (" + user + "), but "
                + (candidates.isEmpty() ? "neither runuser nor setpriv was found; install util-linux"
                        : "switching to it failed:\n" + String.join("\n", failures)));
    }

    /** The uid of this process: the owner of {@code /proc/self}. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
        }
    }

    private static boolean userExists(String user) {
        return ExternalCommand.of("getent", "passwd", user).timeout(Duration.ofSeconds(10)).run().succeeded();
    }

    private static String primaryGroup(String user) {
        return ExternalCommand.of("id", "-gn", user).timeout(Duration.ofSeconds(10)).run()
                .orThrow("looking up the group of " + user).stdout().trim();
    }

    private static String ensureUser(String user) {
        if (userExists(user)) {
            return user;
        }
        String useradd = ExternalCommand.onPath("useradd").map(Path::toString).orElse("useradd");
        CommandResult result = ExternalCommand.of(useradd, "--system", "--user-group", "--no-create-home",
                        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user)
                .timeout(Duration.ofSeconds(30)).run();
        // Another JVM may have created it in the meantime (exit status 9: name in use).
        if (!result.succeeded() && !userExists(user)) {
            result.orThrow("creating the OS user " + user + " to run PostgreSQL as (PostgreSQL refuses root)");
        }
        return user;
    }

    public String name() {
        return name;
    }

    /** True when commands are run through a user switch (the JVM is root). */
    public boolean isSwitched() {
        return switched;
    }

    /** The argument vector that runs {@code argv} as this user. */
    public List<String> wrap(List<String> argv) {
        if (!switched) {
            return List.copyOf(argv);
        }
        List<String> wrapped = new ArrayList<>(switchPrefix);
        wrapped.addAll(argv);
        return wrapped;
    }

    /** A command that runs {@code argv} as this user. */
    public ExternalCommand command(List<String> argv) {
        return ExternalCommand.of(wrap(argv));
    }

    /** Hands {@code path} and everything below it to this user (no-op when not switched). */
    public void own(Path path) {
        if (!switched) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal owner = lookup.lookupPrincipalByName(name);
            if (group == null) {
                group = primaryGroup(name);
            }
            GroupPrincipal groupPrincipal = lookup.lookupPrincipalByGroupName(group);
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    setOwner(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    setOwner(file);
                    return FileVisitResult.CONTINUE;
                }

                private void setOwner(Path p) throws IOException {
                    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    view.setOwner(owner);
                    view.setGroup(groupPrincipal);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + path + " to OS user " + name, e);
        }
    }

    /**
     * Fails with a clear message when this user cannot create files in {@code dir}; the usual
     * cause is a parent directory such as {@code /root} that others may not traverse.
     */
    public void checkCanWrite(Path dir) {
        if (!switched) {
            return;
        }
        CommandResult result = command(List.of("test", "-w", dir.toString(), "-a", "-x", dir.toString()))
                .timeout(Duration.ofSeconds(10)).run();
        if (!result.succeeded()) {
            throw new LocalClusterException("OS user " + name + " (PostgreSQL refuses to run as root) cannot write in "
                    + dir + "; choose a directory every user can traverse (for example under /var/tmp) "
                    + "or make its parents traversable (chmod o+x)");
        }
    }

    @Override
    public String toString() {
        return switched ? name + " (via " + switchPrefix.get(0) + ")" : name;
    }
}
