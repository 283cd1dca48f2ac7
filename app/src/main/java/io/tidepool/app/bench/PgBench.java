package io.tidepool.app.bench;

import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the machine's pgbench against a target. */
final class PgBench {
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
        run(List.of("-i", "-q", "-s", Integer.toString(scale)), target, Duration.ofMinutes(10))
                .orThrow("pgbench -i -s " + scale);
    }

    /**
     * One select-only run ({@code -S}) for {@code duration}, {@code -n} (no vacuum: nothing is
     * written, and through a pooler the vacuum would be measured too).
     *
     * @throws IllegalStateException with pgbench's output when it failed or printed no summary
     */
    PgBenchResult selectOnly(BenchTarget target, String protocol, int clients, int threads, Duration duration) {
        List<String> options = List.of("-S", "-n", "-M", protocol, "-c", Integer.toString(clients),
                "-j", Integer.toString(Math.min(threads, clients)), "-T", Long.toString(duration.toSeconds()));
        CommandResult result = run(options, target, duration.plus(Duration.ofMinutes(2)));
        if (!result.succeeded()) {
            throw new IllegalStateException(result.describe());
        }
        return PgBenchResult.parse(result.stdout()).orElseThrow(() ->
                new IllegalStateException("pgbench printed no tps/latency summary:\n" + result.stdout()));
    }

    private CommandResult run(List<String> options, BenchTarget target, Duration timeout) {
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(options);
        argv.addAll(List.of("-h", target.host(), "-p", Integer.toString(target.port()), "-U", user, database));
        return ExternalCommand.of(argv).env("PGPASSWORD", password).timeout(timeout).run();
    }
}
