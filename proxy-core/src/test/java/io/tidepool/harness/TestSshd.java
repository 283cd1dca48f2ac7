package io.tidepool.harness;

import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.ServerUser;
import io.tidepool.ops.ssh.SshCredentials;
import io.tidepool.ops.ssh.SshEndpoint;
import io.tidepool.ops.ssh.SshSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSSH server for tests: Debian's {@code sshd} on a free 127.0.0.1 port, with a freshly
 * generated ed25519 host key, accepting public-key logins for the OS user PostgreSQL runs as (see
 * {@link ServerUser}) and nobody else. Everything lives in one temporary directory, removed by
 * {@link #close()} together with the server and every session it runs.
 *
 * <pre>{@code
 * try (TestSshd sshd = TestSshd.start()) {
 *     sshd.trustHostKey();                                // or leave it out to test the trust step
 *     SshSettings ssh = sshd.settings();                  // user, port, client key, known_hosts
 *     ...
 * }
 * }</pre>
 *
 * <p>Keys made for each server: the host key; the client key authorised for the user
 * ({@link #clientKey()}, ed25519, no passphrase); an RSA client key with passphrase
 * {@link #RSA_PASSPHRASE}, also authorised ({@link #rsaClientKey()}); and a key that is not
 * authorised ({@link #strangerKey()}). Password logins are off. When the JVM runs as root (as on
 * this project's machines and CI), sshd runs as root, which it must to switch to the user;
 * otherwise it runs as the current user and only that user may log in (untested here: an
 * unprivileged sshd with PAM may refuse logins on some systems).
 *
 * <p>{@link #killSessions()} SIGKILLs every session process (and the commands they run) while the
 * server keeps accepting: a dropped connection as the client sees it.
 *
 * <p>A server ends with its test: {@link #close()}, or at JVM exit (normal, SIGTERM, SIGINT) for
 * one a test left open; the directory name carries the JVM's pid, so the next {@link #start()}
 * stops the servers of a JVM that was killed outright and removes their directories, as the
 * PostgreSQL harness does with its clusters.
 */
public final class TestSshd implements AutoCloseable {

    public static final String RSA_PASSPHRASE = "correct horse battery staple";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** Temporary directory names: this prefix, the owning JVM's pid, a dash, a random part. */
    static final String DIRECTORY_PREFIX = "tidepool-sshd-";

    private static final Set<TestSshd> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(TestSshd::close),
                "test-sshd-exit"));
    }

    private final Path directory;
    private final String user;
    private final int port;
    private final Process process;

    private TestSshd(Path directory, String user, int port, Process process) {
        this.directory = directory;
        this.user = user;
        this.port = port;
        this.process = process;
    }

    /** Starts a server; fails with the reason when {@code sshd} or {@code ssh-keygen} is missing. */
    public static TestSshd start() {
        Path sshd = ExternalCommand.onPath("sshd").orElseThrow(() -> new IllegalStateException(
                "sshd not found; install openssh-server (installers/dev/install-deps.sh test does)"));
        String user = ServerUser.forThisProcess().name();
        removeAbandoned();
        Path dir;
        try {
            dir = Files.createTempDirectory(DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            keygen(dir.resolve("host_ed25519_key"), "ed25519", "");
            keygen(dir.resolve("client_ed25519"), "ed25519", "");
            keygen(dir.resolve("client_rsa"), "rsa", RSA_PASSPHRASE);
            keygen(dir.resolve("stranger_ed25519"), "ed25519", "");
            String authorized = Files.readString(dir.resolve("client_ed25519.pub"))
                    + Files.readString(dir.resolve("client_rsa.pub"));
            Files.writeString(dir.resolve("authorized_keys"), authorized);
            Files.setPosixFilePermissions(dir.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-r--r--"));
            if (ServerUser.forThisProcess().isSwitched()) {
                // sshd running as root insists on its privilege-separation directory.
                Path privsep = Path.of("/run/sshd");
                if (!Files.isDirectory(privsep)) {
                    Files.createDirectories(privsep);
                    Files.setPosixFilePermissions(privsep, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                Files.writeString(dir.resolve("sshd_config"), config(dir, user, port));
                Process process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("sshd.log").toFile())
                        .start();
                if (awaitBanner(port, process)) {
                    TestSshd started = new TestSshd(dir, user, port, process);
                    OPEN.add(started);
                    return started;
                }
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                String log = Files.readString(dir.resolve("sshd.log"));
                if (attempt >= 3 || !log.contains("Address already in use")) {
                    throw new IllegalStateException("sshd did not start on 127.0.0.1:" + port + "; its log:\n" + log);
                }
            }
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteTree(dir);
            throw new IllegalStateException("interrupted", e);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static String config(Path dir, String user, int port) {
        return String.join("\n",
                "# Written by Tidepool's TestSshd for one test run.",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + dir.resolve("host_ed25519_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                // The test directory sits in /tmp, which StrictModes would reject as world-writable.
                "StrictModes no",
                // PAM, as Debian ships sshd: without it sshd refuses accounts with a locked password, such as postgres.
                "UsePAM yes",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin no",
                "AllowUsers " + user,
                "X11Forwarding no",
                "AllowTcpForwarding no",
                "PrintMotd no",
                "UseDNS no",
                "MaxSessions 50",
                "MaxStartups 50",
                "LoginGraceTime 30",
                "LogLevel VERBOSE",
                "Subsystem sftp internal-sftp",
                "");
    }

    private static void keygen(Path file, String type, String passphrase) {
        List<String> argv = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C",
                "tidepool-test-" + file.getFileName(), "-f", file.toString()));
        if (type.equals("rsa")) {
            argv.addAll(List.of("-b", "3072"));
        }
        ExternalCommand.of(argv).timeout(Duration.ofSeconds(60)).run().orThrow("ssh-keygen " + file.getFileName());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** True once the server sends its {@code SSH-2.0-} banner; false when it exits first or the wait runs out. */
    private static boolean awaitBanner(int port, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(2000);
                InputStream in = socket.getInputStream();
                byte[] banner = in.readNBytes(8);
                if (new String(banner, StandardCharsets.US_ASCII).startsWith("SSH-2.0")) {
                    return true;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        return false;
    }

    // ---------------------------------------------------------------- what tests use

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The one account that may log in: the OS user PostgreSQL runs as. */
    public String user() {
        return user;
    }

    public SshEndpoint endpoint() {
        return new SshEndpoint(host(), port, user);
    }

    public Path directory() {
        return directory;
    }

    /** Authorised ed25519 key without passphrase. */
    public Path clientKey() {
        return directory.resolve("client_ed25519");
    }

    /** Authorised RSA key, encrypted with {@link #RSA_PASSPHRASE}. */
    public Path rsaClientKey() {
        return directory.resolve("client_rsa");
    }

    /** A valid key the server does not authorise. */
    public Path strangerKey() {
        return directory.resolve("stranger_ed25519");
    }

    /** The known_hosts file tests pass to the client; empty until {@link #trustHostKey()}. */
    public Path knownHosts() {
        return directory.resolve("known_hosts");
    }

    /**
     * A copy of {@link #clientKey()} and {@link #knownHosts()} (call {@link #trustHostKey()} first)
     * in a directory the PostgreSQL OS user owns: what scripts run as that user (recovery's
     * {@code recovery_1st_stage}, {@code pgpool_remote_start}) give their own {@code ssh}. Returns
     * the directory; the files are {@code id_ed25519} and {@code known_hosts}.
     */
    public Path clientFilesForServerUser() throws IOException {
        Path copy = directory.resolve("script-ssh");
        Files.createDirectories(copy);
        Files.copy(clientKey(), copy.resolve("id_ed25519"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(knownHosts(), copy.resolve("known_hosts"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(copy.resolve("id_ed25519"), PosixFilePermissions.fromString("rw-------"));
        ServerUser.forThisProcess().own(copy);
        return copy;
    }

    /** The server's public host key line ({@code ssh-ed25519 AAAA... comment}). */
    public String hostPublicKey() {
        try {
            return Files.readString(directory.resolve("host_ed25519_key.pub")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host key's fingerprint as {@code ssh-keygen -lf} prints it ({@code SHA256:...}). */
    public String hostKeyFingerprint() {
        String line = ExternalCommand.of("ssh-keygen", "-l", "-E", "sha256", "-f", directory.resolve("host_ed25519_key.pub").toString())
                .timeout(Duration.ofSeconds(30)).run().orThrow("ssh-keygen -l").stdout().trim();
        return line.split("\\s+")[1];
    }

    /** Writes the host key into {@link #knownHosts()}, as an operator who checked it would. */
    public void trustHostKey() {
        String[] key = hostPublicKey().split("\\s+");
        try {
            Files.writeString(knownHosts(), "[" + host() + "]:" + port + " " + key[0] + " " + key[1] + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Client settings: this server, the authorised ed25519 key, {@link #knownHosts()}. */
    public SshSettings settings() {
        return SshSettings.of(endpoint(), SshCredentials.key(clientKey()), knownHosts());
    }

    /**
     * SIGKILLs every session (privileged and unprivileged sshd children and the commands they
     * run); the listening server stays. Returns how many processes were killed.
     */
    public int killSessions() {
        List<ProcessHandle> sessions = process.descendants().toList();
        for (ProcessHandle session : sessions) {
            session.destroyForcibly();
        }
        for (ProcessHandle session : sessions) {
            try {
                session.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Reaped by init once its parent notices.
            }
        }
        return sessions.size();
    }

    /** The server's log so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(directory.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no sshd log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the servers left by JVMs that are gone (killed before their exit hook could run) and
     * removes their directories; returns the directories removed.
     */
    static List<Path> removeAbandoned() {
        List<Path> removed = new ArrayList<>();
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(parent)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(DIRECTORY_PREFIX)).toList()) {
                String rest = dir.getFileName().toString().substring(DIRECTORY_PREFIX.length());
                int dash = rest.indexOf('-');
                if (dash <= 0 || !rest.substring(0, dash).matches("\\d{1,10}")
                        || ProcessHandle.of(Long.parseLong(rest.substring(0, dash))).filter(ProcessHandle::isAlive).isPresent()) {
                    continue; // an older name without a pid, or its JVM still runs
                }
                try {
                    String pid = Files.readString(dir.resolve("sshd.pid")).trim();
                    ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
                            .filter(p -> p.info().commandLine().map(line -> line.contains(dir.toString())).orElse(false))
                            .ifPresent(p -> {
                                p.descendants().forEach(ProcessHandle::destroyForcibly);
                                p.destroyForcibly();
                            });
                } catch (IOException | NumberFormatException e) {
                    // No server ran from it, or it is gone.
                }
                deleteTree(dir);
                removed.add(dir);
            }
        } catch (IOException e) {
            // Nothing to sweep.
        }
        return removed;
    }

    /** Stops the server and its sessions and removes the directory. Idempotent. */
    @Override
    public void close() {
        OPEN.remove(this);
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(directory);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort; the directory is in /tmp.
                }
            });
        } catch (IOException ignored) {
            // Already gone.
        }
    }

    @Override
    public String toString() {
        return "test sshd " + user + "@127.0.0.1:" + port + " (" + directory + ")";
    }
}
