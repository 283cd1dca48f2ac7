package io.tidepool.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an expanded failover, failback or follow-primary command with {@code /bin/sh -c}, as
 * pgpool-II's {@code system()} does, with a time limit and its output captured (standard error
 * merged into standard output, the last 64 KiB kept) for the event journal and the log.
 */
final class ShellCommand {

    static final int OUTPUT_LIMIT = 64 * 1024;

    /**
     * @param exitCode exit status; -1 when the command could not start or was killed at its time limit
     * @param output   what it printed (standard output and error together)
     */
    record Result(String command, int exitCode, String output, Duration elapsed, boolean timedOut) {
        boolean succeeded() {
            return exitCode == 0;
        }

        String describe() {
            String status = timedOut ? "killed after " + elapsed.toMillis() + " ms (time limit)"
                    : "exit status " + exitCode + " after " + elapsed.toMillis() + " ms";
            return status + (output.isBlank() ? "" : "; output:\n" + output.strip());
        }
    }

    private ShellCommand() {
    }

    static Result run(String command, Duration timeout) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            return new Result(command, -1, "cannot start /bin/sh: " + e.getMessage(), elapsed(start), false);
        }
        OutputCollector collector = new OutputCollector(process.getInputStream());
        Thread reader = new Thread(collector, "tidepool-command-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try {
            // A background child that keeps our pipe open must not hold us up for long.
            reader.join(finished ? 5000 : 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int exit = finished ? process.exitValue() : -1;
        return new Result(command, exit, collector.text(), elapsed(start), !finished);
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Drains a stream, keeping only the last {@link #OUTPUT_LIMIT} bytes. */
    private static final class OutputCollector implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        OutputCollector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (kept) {
                        kept.write(buffer, 0, n);
                        if (kept.size() > 2 * OUTPUT_LIMIT) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - OUTPUT_LIMIT, OUTPUT_LIMIT);
                        }
                    }
                }
            } catch (IOException e) {
                // The process is gone; what we have is all there is.
            }
        }

        String text() {
            synchronized (kept) {
                byte[] all = kept.toByteArray();
                int from = Math.max(0, all.length - OUTPUT_LIMIT);
                return new String(all, from, all.length - from, StandardCharsets.UTF_8);
            }
        }
    }
}
