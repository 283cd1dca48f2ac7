package io.tidepool.server;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starting without {@code -n}: the server runs in the background and the command returns.
 *
 * <p>A JVM cannot fork, so the command starts a second JVM with the same class path, JVM
 * options and arguments plus {@code -n}, in a new session ({@code setsid}: no controlling
 * terminal, so closing the terminal or pressing Ctrl-C there does not reach it), with stdin
 * from {@code /dev/null} and stdout/stderr appended to a file. It then waits until the child
 * reports that its listeners are bound, or that it failed, or dies, and says which: an
 * operator sees a port conflict at once instead of finding it later in a log.
 */
final class Detacher {
    private static final Duration POLL = Duration.ofMillis(100);

    private final PrintStream out;
    private final PrintStream err;

    Detacher(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * @param arguments the original command-line arguments
     * @param outputFile where the child's stdout and stderr go
     * @return the exit code for the launching command
     */
    int launch(List<String> arguments, Path outputFile, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(outputFile.toAbsolutePath().getParent());
        Path readyFile = Files.createTempFile("tidepool-start-", ".report");
        Files.delete(readyFile); // the child creates it; absence means "not yet"
        try {
            List<String> command = new ArrayList<>();
            findOnPath("setsid").ifPresent(setsid -> command.add(setsid.toString()));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) {
                    command.add(option); // a debugger port would clash with the parent's
                }
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(ProxyMain.class.getName());
            command.add("--dont-detach");
            command.add("--ready-file=" + readyFile);
            command.addAll(arguments);

            Process child = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()))
                    .redirectErrorStream(true)
                    .start();
            return awaitStart(child, readyFile, outputFile, timeout);
        } finally {
            Files.deleteIfExists(readyFile);
        }
    }

    private int awaitStart(Process child, Path readyFile, Path outputFile, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<StartupReport> report = StartupReport.read(readyFile);
            if (report.isPresent() && report.get().ready()) {
                out.println("tidepool: started (pid " + child.pid() + "), listening on "
                        + String.join(", ", report.get().lines()));
                out.println("tidepool: output goes to " + outputFile);
                return ProxyMain.EXIT_OK;
            }
            if (report.isPresent()) {
                report.get().lines().forEach(line -> err.println("tidepool: " + line));
                child.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                return ProxyMain.EXIT_FAILED;
            }
            if (!child.isAlive()) {
                err.println("tidepool: the server exited with code " + child.exitValue() + " before it was ready;"
                        + " last lines of " + outputFile + ":");
                tail(outputFile, 20).forEach(line -> err.println("  " + line));
                return ProxyMain.EXIT_FAILED;
            }
            Thread.sleep(POLL.toMillis());
        }
        err.println("tidepool: the server (pid " + child.pid() + ") did not report ready within "
                + timeout.toSeconds() + " s; it is still running; see " + outputFile);
        return ProxyMain.EXIT_FAILED;
    }

    private static List<String> tail(Path file, int count) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        } catch (IOException e) {
            return List.of("(cannot read: " + e.getMessage() + ")");
        }
    }

    private static Optional<Path> findOnPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
