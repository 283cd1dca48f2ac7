package io.tidepool.server;

import io.tidepool.config.ConfigException;
import io.tidepool.config.ConfigProblem;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.server.logging.LogSettings;
import io.tidepool.server.logging.LoggingSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries out stop and reload requests for a running server's {@link TidepoolEngine}, one at a
 * time, on its own thread: signal handlers and {@code pcp_stop_pgpool} only enqueue, and a
 * reload never races a stop.
 *
 * <p>Stops escalate like pgpool-II's: a smart stop in progress becomes fast on SIGINT (or
 * {@code pcp_stop_pgpool -m fast}) and immediate on SIGUSR1; a weaker or equal request during a
 * stop is ignored. The control thread never waits for a stop, so a stronger request is carried
 * out while a smart stop still waits for its clients. Reloads are ignored once stopping.
 */
final class ServerController {
    private static final Logger log = LoggerFactory.getLogger(ServerController.class);

    private final TidepoolEngine engine;
    private final Path configFile;
    private final LoggingSetup logging;
    private final boolean debug;
    private final Path reportFile;
    private final Clock clock;
    private final ExecutorService control = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tidepool-control");
        thread.setDaemon(true);
        return thread;
    });
    private final CompletableFuture<ShutdownMode> stopped = new CompletableFuture<>();

    // Confined to the control thread.
    private long generation;
    /** Written on the control thread; read when the stop completes. */
    private volatile ShutdownMode stopping;

    ServerController(TidepoolEngine engine, Path configFile, LoggingSetup logging, boolean debug,
                     Path reportFile, Clock clock) {
        this.engine = engine;
        this.configFile = configFile;
        this.logging = logging;
        this.debug = debug;
        this.reportFile = reportFile;
        this.clock = clock;
        this.generation = ReloadReport.read(reportFile).map(ReloadReport::generation).orElse(0L);
    }

    /** Entry point for signal handlers: returns at once. */
    void request(ControlSignal signal) {
        control.execute(() -> signal.shutdownMode().ifPresentOrElse(this::stop, this::reload));
    }

    /**
     * A reload as on SIGHUP, waited for ({@code pcp_reload_config}): empty when it was ignored
     * because the server is stopping.
     */
    Optional<ReloadReport> reloadAndWait(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return CompletableFuture.supplyAsync(this::reload, control).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reload failed", e.getCause());
        }
    }

    /**
     * Completes with the strongest mode asked for, once every listener, session, the PCP port and
     * the checks are closed.
     */
    CompletableFuture<ShutdownMode> stopped() {
        return stopped;
    }

    private void stop(ShutdownMode mode) {
        if (stopping != null && mode.ordinal() <= stopping.ordinal()) {
            log.info("{} shutdown already in progress; {} request ignored", name(stopping), name(mode));
            return;
        }
        log.info("received {} shutdown request", name(mode));
        boolean first = stopping == null;
        stopping = mode;
        CompletableFuture<Void> done = engine.stopAsync(mode); // a second call escalates the running stop
        if (first) {
            done.whenComplete((ok, failure) -> {
                if (failure != null) {
                    log.error("{} shutdown failed", name(stopping), failure);
                }
                stopped.complete(stopping);
            });
        }
    }

    private Optional<ReloadReport> reload() {
        if (stopping != null) {
            log.info("reload request ignored: shutting down");
            return Optional.empty();
        }
        generation++;
        log.info("reloading {}", configFile);
        List<String> problems = new ArrayList<>();
        List<String> restart = List.of();
        List<String> changed = List.of();
        boolean ok = false;
        try {
            PgpoolConfig before = engine.config(); // a PCP reload may have changed it since the last SIGHUP
            PgpoolConfig next = PgpoolConfig.load(configFile).withFileOverrides(before.fileOverrides());
            next.requireBackends();
            next.warnings().forEach(warning -> log.warn("{}", warning));
            ConfigChanges changes = ConfigChanges.between(before, next, engine.reload(next));
            changed = changes.changed();
            restart = changes.needRestart();
            try {
                logging.apply(LogSettings.from(next, debug));
            } catch (IOException e) {
                problems.add(e.getMessage());
                log.error("logging settings not applied: {}", e.getMessage());
            }
            ok = problems.isEmpty();
            if (!restart.isEmpty()) {
                log.warn("changed parameters that only take effect after a restart: {}", String.join(", ", restart));
            }
            log.info("reload done: {} parameter(s) changed", changed.size());
        } catch (ConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                problems.add(problem.toString());
                log.error("reload rejected: {}", problem);
            }
        } catch (RuntimeException e) {
            problems.add("reload failed: " + e);
            log.error("reload failed", e);
        }
        ReloadReport report = new ReloadReport(generation, clock.instant(), ok, changed, restart, problems);
        try {
            report.write(reportFile);
        } catch (IOException e) {
            log.warn("cannot write reload report {}: {}", reportFile, e.getMessage());
        }
        return Optional.of(report);
    }

    void shutdownExecutor() {
        control.shutdownNow();
    }

    private static String name(ShutdownMode mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
