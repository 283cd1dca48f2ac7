package io.tidepool.app.bench;

import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalClusterException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the machine's pgbench against a target. */
final class PgBench {
    /** How long a pgbench client may take to connect before it gives up. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long after its run pgbench may take to finish and report before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(60);

    private final Path program;
    private final String user;
    private final String password;
    private final String database;

    PgBench(Path program, String user, String password, String database) {
        this.program = program;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    /** {@code pgbench -i -s scale}: creates and fills the pgbench tables. */
    void initialise(BenchTarget target, int scale) {
        run(List.of("-i", "-q", "-s", Integer.toString(scale)), new BenchTarget.Endpoint(target.host(), target.port()),
                database, Duration.ofMinutes(10))
                .orThrow("pgbench -i -s " + scale);
    }

    /**
     * One run of {@code workload} for {@code duration}, with {@code -n}: no vacuum first, which
     * through a pooler would run on a pooled connection and, for select-only, has nothing to do
     * (tpcb-like's history table grows over the runs, alike for every target).
     *
     * <p>Never hangs: a client whose connection is not established within
     * {@link #CONNECT_TIMEOUT} fails (libpq's {@code connect_timeout}, which also covers a
     * connection accepted by the kernel's listen queue but never answered, as when every
     * pgpool-II child is busy), and pgbench is killed {@link #GRACE} after the run should have
     * ended.
     *
     * <p>A target with several {@link BenchTarget#endpoints() endpoints} gets one pgbench per
     * endpoint, run at the same time with the clients and threads split evenly (each at least one
     * thread, so three endpoints with two threads run three); their results are added up by
     * {@link PgBenchResult#together}.
     *
     * @throws IllegalStateException with a one-line reason (pgbench's first error line) when
     *         pgbench failed, timed out or printed no summary
     */
    PgBenchResult run(BenchTarget target, BenchWorkload workload, String protocol, int clients, int threads,
                      Duration duration) {
        List<BenchTarget.Endpoint> endpoints = target.endpoints();
        int parts = Math.min(endpoints.size(), clients);
        if (parts == 1) {
            return run(endpoints.get(0), workload, protocol, clients, Math.min(threads, clients), duration);
        }
        // One pgbench per endpoint, all at once, the clients split evenly (the first ones take the
        // remainder) and the threads too, at least one each.
        ExecutorService pool = Executors.newFixedThreadPool(parts, runnable -> {
            Thread thread = new Thread(runnable, "pgbench-part");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<PgBenchResult>> running = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                BenchTarget.Endpoint endpoint = endpoints.get(i);
                int partClients = clients / parts + (i < clients % parts ? 1 : 0);
                int partThreads = Math.min(partClients, Math.max(1, threads / parts));
                running.add(pool.submit(() -> run(endpoint, workload, protocol, partClients, partThreads, duration)));
            }
            List<PgBenchResult> results = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                try {
                    results.add(running.get(i).get());
                } catch (ExecutionException e) {
                    BenchTarget.Endpoint endpoint = endpoints.get(i);
                    throw new IllegalStateException(endpoint.host() + ":" + endpoint.port() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            return PgBenchResult.together(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pgbench ran", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private PgBenchResult run(BenchTarget.Endpoint endpoint, BenchWorkload workload, String protocol, int clients,
                              int threads, Duration duration) {
        List<String> options = new ArrayList<>(workload.options());
        options.addAll(List.of("-n", "-M", protocol, "-c", Integer.toString(clients),
                "-j", Integer.toString(threads), "-T", Long.toString(duration.toSeconds())));
        Duration limit = duration.plus(CONNECT_TIMEOUT).plus(GRACE);
        CommandResult result;
        try {
            result = run(options, endpoint, database, limit);
        } catch (LocalClusterException e) {
            throw new IllegalStateException("pgbench did not finish within " + limit.toSeconds() + " s and was killed");
        }
        if (!result.succeeded()) {
            throw new IllegalStateException(reason(result));
        }
        return PgBenchResult.parse(result.stdout()).orElseThrow(() ->
                new IllegalStateException("pgbench printed no tps/latency summary"));
    }

    /** pgbench's first error line, else its last line of output, with the exit status. */
    static String reason(CommandResult result) {
        List<String> lines = (result.stderr() + "\n" + result.stdout()).lines()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
        String line = lines.stream().filter(l -> l.contains("error:") || l.contains("fatal:")).findFirst()
                .or(() -> lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(lines.size() - 1)))
                .orElse("no output");
        return line.replaceFirst("^pgbench: (error|fatal): ", "") + " (exit status " + result.exitCode() + ")";
    }

    private CommandResult run(List<String> options, BenchTarget.Endpoint endpoint, String db, Duration timeout) {
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(options);
        argv.addAll(List.of("-h", endpoint.host(), "-p", Integer.toString(endpoint.port()), "-U", user, db));
        return ExternalCommand.of(argv).env("PGPASSWORD", password)
                .env("PGCONNECT_TIMEOUT", Long.toString(CONNECT_TIMEOUT.toSeconds())).timeout(timeout).run();
    }
}
