package io.tidepool.app.bench;

import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalClusterException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
        run(List.of("-i", "-q", "-s", Integer.toString(scale)), target, database, Duration.ofMinutes(10))
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
     * @throws IllegalStateException with a one-line reason (pgbench's first error line) when
     *         pgbench failed, timed out or printed no summary
     */
    PgBenchResult run(BenchTarget target, BenchWorkload workload, String protocol, int clients, int threads,
                      Duration duration) {
        List<String> options = new ArrayList<>(workload.options());
        options.addAll(List.of("-n", "-M", protocol, "-c", Integer.toString(clients),
                "-j", Integer.toString(Math.min(threads, clients)), "-T", Long.toString(duration.toSeconds())));
        Duration limit = duration.plus(CONNECT_TIMEOUT).plus(GRACE);
        CommandResult result;
        try {
            result = run(options, target, database, limit);
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

    private CommandResult run(List<String> options, BenchTarget target, String db, Duration timeout) {
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(options);
        argv.addAll(List.of("-h", target.host(), "-p", Integer.toString(target.port()), "-U", user, db));
        return ExternalCommand.of(argv).env("PGPASSWORD", password)
                .env("PGCONNECT_TIMEOUT", Long.toString(CONNECT_TIMEOUT.toSeconds())).timeout(timeout).run();
    }
}
