package io.tidepool.ops.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external program with a timeout and captures its output.
 *
 * <p>Standard output and standard error are drained by their own threads, so a chatty program
 * never blocks on a full pipe. The child gets the JVM's environment minus every {@code PG*}
 * variable (a stray {@code PGHOST} or {@code PGDATA} of the person running the tests must not
 * redirect a test's {@code psql}), plus whatever {@link #env} adds. When the timeout passes,
 * the process and all its descendants are killed and a {@link LocalClusterException} carries
 * what had been printed so far.
 *
 * <p>Not for daemons: a program that leaves a child holding our pipes open (a server started
 * without a log file) would keep the drain threads waiting. {@code pg_ctl start} is always
 * given {@code -l}.
 */
public final class ExternalCommand {

    /** Per stream; past this the oldest output is dropped (tests want the end of a log, not the start). */
    public static final int OUTPUT_LIMIT = 4 * 1024 * 1024;

    private final List<String> argv;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path directory;
    private Duration timeout = Duration.ofMinutes(2);
    private byte[] stdin = new byte[0];

    private ExternalCommand(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.argv = List.copyOf(argv);
    }

    public static ExternalCommand of(List<String> argv) {
        return new ExternalCommand(argv);
    }

    public static ExternalCommand of(String... argv) {
        return new ExternalCommand(List.of(argv));
    }

    /** Adds (or, with a {@code null} value, removes) one environment variable of the child. */
    public ExternalCommand env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public ExternalCommand env(Map<String, String> variables) {
        env.putAll(variables);
        return this;
    }

    public ExternalCommand directory(Path workingDirectory) {
        this.directory = workingDirectory;
        return this;
    }

    public ExternalCommand timeout(Duration limit) {
        this.timeout = Objects.requireNonNull(limit);
        return this;
    }

    public ExternalCommand stdin(String input) {
        this.stdin = input.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public List<String> argv() {
        return argv;
    }

    /**
     * Runs the command to completion. A non-zero exit status is not an error here (see
     * {@link CommandResult#orThrow}); failing to start it and running past the timeout are.
     */
    public CommandResult run() {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LocalClusterException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        Drain out = Drain.start(process.getInputStream(), argv.get(0) + "-stdout");
        Drain err = Drain.start(process.getErrorStream(), argv.get(0) + "-stderr");
        try (OutputStream input = process.getOutputStream()) {
            input.write(stdin);
        } catch (IOException ignored) {
            // The program closed its input early (or never reads it); its exit status tells the story.
        }
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process.toHandle());
            throw new LocalClusterException("interrupted while running " + String.join(" ", argv), e);
        }
        if (!exited) {
            killTree(process.toHandle());
            String partial = new CommandResult(argv, -1, out.finish(Duration.ofSeconds(5)), err.finish(Duration.ofSeconds(5)),
                    Duration.ofNanos(System.nanoTime() - started)).describe();
            throw new LocalClusterException("timed out after " + timeout.toSeconds() + " s\n" + partial);
        }
        return new CommandResult(argv, process.exitValue(), out.finish(Duration.ofSeconds(30)),
                err.finish(Duration.ofSeconds(30)), Duration.ofNanos(System.nanoTime() - started));
    }

    /** SIGKILLs a process and everything below it, children first so none is re-parented and missed. */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        root.descendants().forEach(tree::add);
        tree.add(root);
        for (ProcessHandle handle : tree) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Best effort: a zombie whose parent is gone will be reaped by init.
            }
        }
    }

    /** Reads one stream on a daemon thread, keeping at most {@link #OUTPUT_LIMIT} bytes of its end. */
    private static final class Drain implements Runnable {
        private final InputStream stream;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;
        private volatile boolean truncated;

        private Drain(InputStream stream, String name) {
            this.stream = stream;
            this.thread = new Thread(this, "drain-" + name);
            this.thread.setDaemon(true);
        }

        static Drain start(InputStream stream, String name) {
            Drain drain = new Drain(stream, name);
            drain.thread.start();
            return drain;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (stream) {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    synchronized (kept) {
                        kept.write(buffer, 0, n);
                        if (kept.size() > OUTPUT_LIMIT) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - OUTPUT_LIMIT / 2, OUTPUT_LIMIT / 2);
                            truncated = true;
                        }
                    }
                }
            } catch (IOException e) {
                // The process was killed or closed its end; what was read so far is kept.
            }
        }

        String finish(Duration wait) {
            try {
                thread.join(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (kept) {
                String text = kept.toString(StandardCharsets.UTF_8);
                return truncated ? "[... earlier output dropped ...]\n" + text : text;
            }
        }
    }

    /** Finds a program on {@code PATH} (and in {@code /usr/sbin}, {@code /sbin}, which a non-login root may lack). */
    public static Optional<Path> onPath(String program) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (java.nio.file.Files.isRegularFile(candidate) && java.nio.file.Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
