package io.tidepool.app.bench;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** The pgbench options every throughput benchmark shares ({@code bench}, {@code bench streaming}). */
final class PgBenchOptions {
    @Option(names = {"-T", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "length of each pgbench run (default ${DEFAULT-VALUE})")
    int durationSeconds;

    @Option(names = {"-M", "--protocols"}, paramLabel = "P", split = ",", defaultValue = "simple,extended,prepared",
            description = "pgbench query protocols (default ${DEFAULT-VALUE})")
    List<String> protocols;

    @Option(names = {"-s", "--scale"}, paramLabel = "N", defaultValue = "10",
            description = "pgbench scale factor: 100,000 accounts each (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = {"-r", "--rounds"}, paramLabel = "N", defaultValue = "2",
            description = "runs per target and row, interleaved; the mean is shown (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = {"-j", "--threads"}, paramLabel = "N",
            description = "pgbench threads (default: the number of CPUs)")
    Integer threads;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "unreported run per target and protocol before measuring, so that no target is measured cold"
                    + " (JIT, caches, pools); 0 skips it (default ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--worker-threads", paramLabel = "N", defaultValue = "0",
            description = "Tidepool's worker_threads (event loops); 0 = its default, one per CPU")
    int workerThreads;

    @Option(names = "--io-transport", paramLabel = "NAME", defaultValue = "auto",
            description = "Tidepool's io_transport: auto (epoll), io_uring (faster, experimental), epoll or nio"
                    + " (default ${DEFAULT-VALUE})")
    String ioTransport;

    /** The tidepool.conf settings these options give Tidepool's server, quoted for a config file. */
    java.util.Map<String, String> tidepoolTuning() {
        return java.util.Map.of("worker_threads", Integer.toString(workerThreads),
                "io_transport", "'" + ioTransport.replace("'", "''") + "'");
    }

    @Option(names = "--no-pgbouncer", description = "leave PgBouncer out")
    boolean noPgBouncer;

    Duration duration() {
        return Duration.ofSeconds(durationSeconds);
    }

    int pgbenchThreads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
