package io.tidepool.app.bench;

import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.ServerUser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Debian's PgBouncer in session mode in front of the primary: the peer a pooling proxy is
 * measured against. Started with a generated configuration in its own directory, as the OS
 * user PostgreSQL runs as (PgBouncer refuses to run as root), daemonised; stopped by pid.
 */
final class PgBouncerTarget implements BenchTarget {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path directory;
    private final int port;
    private Optional<ProcessHandle> process = Optional.empty();
    private Thread exitHook;
    private boolean closed;

    private PgBouncerTarget(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Where the pgbouncer program is, if installed. */
    static Optional<Path> findProgram() {
        return ExternalCommand.onPath("pgbouncer")
                .or(() -> Optional.of(Path.of("/usr/sbin/pgbouncer")).filter(Files::isExecutable));
    }

    /**
     * Writes the configuration into {@code directory} (created, handed to {@code user}), starts
     * PgBouncer and waits until it accepts connections.
     */
    static PgBouncerTarget start(Path program, Path directory, ServerUser user, String backendHost, int backendPort,
                                 String dbUser, String dbPassword, int maxClients) {
        try {
            Files.createDirectories(directory);
            int port = freePort();
            Files.writeString(directory.resolve("userlist.txt"),
                    "\"" + dbUser + "\" \"" + dbPassword + "\"\n", StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("pgbouncer.ini"), String.join("\n",
                    "[databases]",
                    "* = host=" + backendHost + " port=" + backendPort,
                    "",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir = " + directory,
                    "auth_type = trust",
                    "auth_file = " + directory.resolve("userlist.txt"),
                    "pool_mode = session",
                    "max_client_conn = " + (maxClients + 16),
                    "default_pool_size = " + (maxClients + 8),
                    "logfile = " + directory.resolve("pgbouncer.log"),
                    "pidfile = " + directory.resolve("pgbouncer.pid"),
                    ""), StandardCharsets.UTF_8);
            user.own(directory);
            CommandResult started = user.command(List.of(program.toString(), "-d", directory.resolve("pgbouncer.ini").toString()))
                    .timeout(START_TIMEOUT).run();
            PgBouncerTarget target = new PgBouncerTarget(directory, port);
            boolean listening = started.succeeded() && awaitListening(port);
            // Remember the daemon now: its pid file goes away with the cluster directory.
            target.process = started.succeeded() ? target.awaitDaemon() : Optional.empty();
            target.exitHook = new Thread(target::close, "pgbouncer-stop");
            Runtime.getRuntime().addShutdownHook(target.exitHook); // Ctrl-C during a run
            if (!listening) {
                target.close();
                throw new IllegalStateException("PgBouncer did not start: " + started.describe() + "\n" + target.logTail());
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare PgBouncer in " + directory, e);
        }
    }

    @Override
    public String name() {
        return "pgbouncer";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.ifPresent(daemon -> {
            daemon.destroy(); // SIGTERM: PgBouncer's immediate shutdown
            try {
                daemon.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                daemon.destroyForcibly();
            }
        });
        if (exitHook != null && Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; it finds the target closed.
            }
        }
    }

    /**
     * The daemon's process. PgBouncer listens before it writes its pid file, and {@code -d} returns
     * as soon as it has forked: the file may not be there yet when the port answers (seen on
     * 1.18), so it is awaited; failing that, the process is found by its configuration file.
     */
    private Optional<ProcessHandle> awaitDaemon() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Optional<ProcessHandle> daemon = readPid().flatMap(ProcessHandle::of);
            if (daemon.isPresent()) {
                return daemon;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String ini = directory.resolve("pgbouncer.ini").toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(line -> line.contains("pgbouncer") && line.contains(ini))
                        .orElse(false))
                .findFirst();
    }

    private Optional<Long> readPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(directory.resolve("pgbouncer.pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("pgbouncer.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no PgBouncer log)";
        }
    }

    private static boolean awaitListening(int port) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
