package io.tidepool.server;

import io.netty.util.ResourceLeakDetector;
import io.tidepool.config.ConfigException;
import io.tidepool.config.ConfigFileOverrides;
import io.tidepool.config.ConfigProblem;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.server.logging.LogSettings;
import io.tidepool.server.logging.LoggingSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the headless server jar, with pgpool-II's command line:
 *
 * <pre>
 *   tidepool proxy [-f pgpool.conf] [-F pcp.conf] [-a pool_hba.conf] [-k .pgpoolkey] [-n] [-d] [-D]
 *   tidepool proxy [-f pgpool.conf] [-m smart|fast|immediate] stop
 *   tidepool proxy [-f pgpool.conf] reload
 * </pre>
 *
 * The server runs one {@link TidepoolEngine}: the proxy's listeners, the cluster owner (health
 * check, failover, {@code pgpool_status}) and PCP. {@code -F}, {@code -a} and {@code -k} reach it
 * as the configuration's {@link ConfigFileOverrides}; {@code pcp_stop_pgpool} and
 * {@code pcp_reload_config} act on the process as the signals do.
 *
 * <p>{@code stop} and {@code reload} find the running server through {@code pid_file_name} of
 * the same pgpool.conf and signal it (see {@link ControlSignal}). Exit codes: 0 done, 1 failed,
 * 2 wrong command line, 3 configuration errors.
 */
@Command(name = "tidepool proxy",
        mixinStandardHelpOptions = true,
        versionProvider = ProxyMain.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Runs the Tidepool proxy, or stops or reloads the one running with the same pgpool.conf.",
            "",
            "Without -f, pgpool.conf is looked for in ./pgpool.conf, /etc/tidepool/, /etc/pgpool2/, /etc/pgpool-II/.",
            "pcp.conf and pool_hba.conf default to the directory of that pgpool.conf.",
            "Signals: TERM smart stop, INT fast stop, USR1 immediate stop, HUP reload (QUIT is the JVM's thread dump).",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (see the message)", "2:wrong command line", "3:configuration errors"})
public final class ProxyMain implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_CONFIG = 3;

    /**
     * How long {@code reload} (and {@code pcp_reload_config}) waits for the server's report. A
     * reload waits for the cluster owner, which may be in the middle of a round of probes.
     */
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(30);
    /** How often the running server is asked whether an event loop was lost. */
    private static final Duration LOST_LOOP_POLL = Duration.ofSeconds(1);
    /** How long a fast stop may take once an event loop is lost, before the process exits anyway. */
    private static final Duration LOST_LOOP_STOP = Duration.ofSeconds(10);

    enum Action { STOP, RELOAD }

    @Option(names = {"-f", "--config-file"}, paramLabel = "FILE", description = "pgpool.conf to use")
    Path configFile;

    @Option(names = {"-F", "--pcp-file"}, paramLabel = "FILE", description = "pcp.conf (default: next to pgpool.conf)")
    Path pcpFile;

    @Option(names = {"-a", "--hba-file"}, paramLabel = "FILE", description = "pool_hba.conf (default: next to pgpool.conf)")
    Path hbaFile;

    @Option(names = {"-k", "--key-file"}, paramLabel = "FILE",
            description = "AES key for pool_passwd (default: $PGPOOLKEYFILE or ~/.pgpoolkey)")
    Path keyFile;

    @Option(names = {"-n", "--dont-detach"}, description = "stay in the foreground, log to stderr")
    boolean foreground;

    @Option(names = {"-d", "--debug"}, description = "log debug messages (log_min_messages = debug1)")
    boolean debug;

    @Option(names = {"-D", "--discard-status"}, description = "ignore pgpool_status: every node starts as up")
    boolean discardStatus;

    @Option(names = {"-m", "--mode"}, paramLabel = "MODE", converter = ModeConverter.class, defaultValue = "smart",
            description = "stop mode: smart (wait for clients), fast (end sessions now), immediate; default ${DEFAULT-VALUE}")
    ShutdownMode mode;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "60",
            description = "how long stop and a detaching start wait; default ${DEFAULT-VALUE}")
    int timeoutSeconds;

    @Parameters(arity = "0..1", paramLabel = "stop|reload", description = "stop or reload the running server")
    Action action;

    @Option(names = "--ready-file", hidden = true)
    Path readyFile;

    private final PrintStream out;
    private final PrintStream err;
    private List<String> arguments = List.of();

    ProxyMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Netty samples one buffer in 128 for leak tracking unless told otherwise, and each sample
        // records a stack trace on the hot path. A deployed server does not pay for that; the test
        // suite runs at paranoid, and -Dio.netty.leakDetection.level=simple brings it back here.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        // proxy-core ships no logback.xml (it is also a library: the launcher and the console bring
        // their own, and two on one class path make Logback complain on every start). The server
        // logs like the defaults of pgpool.conf until the real one has been read.
        try {
            LoggingSetup.forProcess().apply(LogSettings.defaults());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // stderr only: no file to fail
        }
        int status;
        try {
            status = run(System.out, System.err, args);
        } catch (Throwable e) {
            // Without this the JVM would outlive main on its non-daemon threads, serving nobody:
            // what happened after a lost event loop when the jar had been overwritten in place and
            // picocli's classes, needed on the way out, no longer loaded.
            System.err.println("tidepool: " + e);
            status = EXIT_FAILED;
        }
        System.exit(status);
    }

    /** Parses and runs; returns the exit code. */
    static int run(PrintStream out, PrintStream err, String... args) {
        ProxyMain main = new ProxyMain(out, err);
        main.arguments = List.of(args);
        CommandLine commandLine = new CommandLine(main)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((e, a) -> {
            err.println("tidepool: " + e.getMessage());
            err.println("try 'tidepool proxy --help'");
            return EXIT_USAGE;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() {
        ServerFiles files;
        try {
            files = ServerFiles.resolve(configFile, pcpFile, hbaFile, keyFile);
        } catch (IllegalArgumentException e) {
            err.println("tidepool: " + e.getMessage());
            return EXIT_CONFIG;
        }
        Optional<PgpoolConfig> loaded = loadConfig(files.configFile());
        if (loaded.isEmpty()) {
            return EXIT_CONFIG;
        }
        PgpoolConfig config = loaded.get();
        PidFile pidFile = PidFile.at(config.resolvePath(config.getString("pid_file_name")));
        if (action == Action.STOP) {
            return stop(pidFile);
        }
        if (action == Action.RELOAD) {
            return reload(pidFile);
        }
        if (!foreground) {
            return detach(config, pidFile);
        }
        return runInForeground(files, config, pidFile);
    }

    private Optional<PgpoolConfig> loadConfig(Path file) {
        try {
            PgpoolConfig config = PgpoolConfig.load(file);
            if (action == null) {
                config.requireBackends(); // stop and reload work with any file that names the pid file
            }
            config.warnings().forEach(warning -> err.println("tidepool: warning: " + warning));
            return Optional.of(config);
        } catch (ConfigException e) {
            List<ConfigProblem> problems = e.problems();
            err.println("tidepool: " + file + " has " + problems.size()
                    + (problems.size() == 1 ? " problem:" : " problems:"));
            problems.forEach(problem -> err.println("  " + problem));
            return Optional.empty();
        }
    }

    // ---- stop ------------------------------------------------------------------------------

    private int stop(PidFile pidFile) {
        Optional<ProcessHandle> running = pidFile.runningProcess();
        if (running.isEmpty()) {
            err.println("tidepool: no running Tidepool found: " + describeAbsence(pidFile));
            return EXIT_FAILED;
        }
        ProcessHandle process = running.get();
        ControlSignal signal = ControlSignal.forStop(mode);
        if (!signal.sendTo(process.pid())) {
            err.println("tidepool: cannot send SIG" + signal.signalName() + " to pid " + process.pid()
                    + " (not permitted? run as the user that started Tidepool)");
            return EXIT_FAILED;
        }
        out.println("tidepool: " + signal.describe() + " requested (pid " + process.pid() + "), waiting...");
        try {
            process.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            String hint = mode == ShutdownMode.SMART
                    ? "smart mode waits for every client to disconnect; try 'tidepool stop -m fast'"
                    : "it may be stuck; a thread dump goes to its log with 'kill -QUIT " + process.pid() + "'";
            err.println("tidepool: pid " + process.pid() + " is still running after " + timeoutSeconds + " s; " + hint);
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        } catch (java.util.concurrent.ExecutionException e) {
            // onExit does not fail.
        }
        out.println("tidepool: stopped");
        return EXIT_OK;
    }

    /** Waits until the server has stopped (empty) or one of its event loops is lost (what happened). */
    private static Optional<String> awaitStopOrLostLoop(ServerController controller, ProxyServer server) {
        while (true) {
            try {
                controller.stopped().get(LOST_LOOP_POLL.toMillis(), TimeUnit.MILLISECONDS);
                return Optional.empty();
            } catch (java.util.concurrent.TimeoutException e) {
                Optional<String> lost = server.lostLoop();
                if (lost.isPresent()) {
                    return lost;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (java.util.concurrent.ExecutionException e) {
                return Optional.empty(); // stopped() does not fail
            }
        }
    }

    /**
     * One of the proxy's event loops ended under it ({@link ProxyServer#lostLoop}): a fast stop,
     * bounded because the lost loop's sessions cannot be closed, then a failed exit, which the
     * systemd unit's {@code Restart=on-failure} answers with a restart. Whatever fails on the way
     * (the cause may have been classes that no longer load) does not keep the process alive.
     */
    private static int stopAfterLosingALoop(ServerController controller, String what, Logger log) {
        try {
            log.error("{}; its clients cannot be served any more: stopping (fast) and exiting with status {}"
                    + " so that Tidepool is started again", what, EXIT_FAILED);
            controller.request(ControlSignal.FAST_STOP);
            controller.stopped().get(LOST_LOOP_STOP.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.error("the fast stop did not end within {} s (the lost loop's clients cannot be disconnected); exiting",
                    LOST_LOOP_STOP.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            System.err.println("tidepool: the fast stop failed (" + e + "); exiting");
        }
        return EXIT_FAILED;
    }

    private static String describeAbsence(PidFile pidFile) {
        if (!Files.exists(pidFile.path())) {
            return "pid file " + pidFile.path() + " does not exist";
        }
        return pidFile.readPid().isPresent()
                ? "pid file " + pidFile.path() + " is stale (pid " + pidFile.readPid().getAsLong() + " is not a running Tidepool)"
                : "pid file " + pidFile.path() + " holds no pid";
    }

    // ---- reload ----------------------------------------------------------------------------

    private int reload(PidFile pidFile) {
        Optional<ProcessHandle> running = pidFile.runningProcess();
        if (running.isEmpty()) {
            err.println("tidepool: no running Tidepool found: " + describeAbsence(pidFile));
            return EXIT_FAILED;
        }
        Path reportFile = ReloadReport.pathFor(pidFile);
        long before = ReloadReport.read(reportFile).map(ReloadReport::generation).orElse(0L);
        long pid = running.get().pid();
        if (!ControlSignal.RELOAD.sendTo(pid)) {
            err.println("tidepool: cannot send SIGHUP to pid " + pid + " (not permitted? run as the user that started Tidepool)");
            return EXIT_FAILED;
        }
        Instant deadline = Instant.now().plus(RELOAD_WAIT);
        while (Instant.now().isBefore(deadline)) {
            Optional<ReloadReport> report = ReloadReport.read(reportFile).filter(r -> r.generation() > before);
            if (report.isPresent()) {
                return printReloadReport(report.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EXIT_FAILED;
            }
        }
        err.println("tidepool: reload requested (pid " + pid + ") but the server did not confirm within "
                + RELOAD_WAIT.toSeconds() + " s; see its log");
        return EXIT_FAILED;
    }

    private int printReloadReport(ReloadReport report) {
        if (!report.ok()) {
            err.println("tidepool: reload rejected; the server keeps its previous configuration:");
            report.problems().forEach(problem -> err.println("  " + problem));
            return EXIT_CONFIG;
        }
        out.println("tidepool: configuration reloaded");
        out.println("  changed: " + (report.changed().isEmpty() ? "nothing" : String.join(", ", report.changed())));
        if (!report.needRestart().isEmpty()) {
            out.println("  needs a restart to take effect: " + String.join(", ", report.needRestart()));
        }
        return EXIT_OK;
    }

    // ---- start -----------------------------------------------------------------------------

    private int detach(PgpoolConfig config, PidFile pidFile) {
        Optional<ProcessHandle> running = pidFile.runningProcess();
        if (running.isPresent()) {
            err.println("tidepool: another Tidepool is running with pid " + running.get().pid()
                    + " (pid file " + pidFile.path() + ")");
            return EXIT_FAILED;
        }
        Path output = config.resolvePath(config.getString("log_directory")).resolve("tidepool-stderr.log");
        try {
            return new Detacher(out, err).launch(arguments, output, Duration.ofSeconds(timeoutSeconds));
        } catch (IOException e) {
            err.println("tidepool: cannot start in the background: " + e.getMessage()
                    + " (log output file " + output + "); use -n to stay in the foreground");
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        }
    }

    private int runInForeground(ServerFiles files, PgpoolConfig config, PidFile pidFile) {
        // Signals first: until now SIGUSR1 would kill the JVM outright and SIGHUP end it. Requests
        // that arrive before the server is up are kept and carried out once it is.
        SignalRelay signals = new SignalRelay();
        List<String> signalWarnings = ControlSignal.install(signals);
        LoggingSetup logging = LoggingSetup.forProcess();
        try {
            logging.apply(LogSettings.from(config, debug));
        } catch (IOException e) {
            return failStart("cannot set up logging: " + e.getMessage());
        }
        Logger log = LoggerFactory.getLogger(ProxyMain.class);
        PgpoolConfig withFiles = config.withFileOverrides(overrides(files));
        log.debug("configuration {}, pcp.conf {}, pool_hba.conf {}, key file {}", files.configFile(),
                withFiles.pcpConfFile(), withFiles.poolHbaFile(), files.keyFile());
        try {
            pidFile.acquire();
        } catch (PidFile.PidFileException e) {
            return failStart(e.getMessage());
        }
        TidepoolEngine engine = null;
        try {
            // pcp_stop_pgpool stops the process as the signals do: through the controller, once it exists.
            engine = new TidepoolEngine(withFiles, TidepoolEngine.Options.defaults()
                    .withProxy(true)
                    .withDiscardStatusFile(discardStatus)
                    .withStopHandler(mode -> signals.accept(ControlSignal.forStop(mode)))
                    .withLogRotator(() -> rotateLog(logging, log))
                    .withReloadHandler(signals::reloadForPcp));
            engine.start();
            ProxyServer server = engine.proxy().orElseThrow();
            List<String> addresses = server.boundAddresses().stream().map(ProxyMain::describe).toList();
            ServerController controller = new ServerController(engine, files.configFile(), logging, debug,
                    ReloadReport.pathFor(pidFile), Clock.systemUTC());
            signalWarnings.forEach(log::warn);
            signals.deliverTo(controller);
            log.info("Tidepool {} started (pid {}), listening on {}; PCP on port {}", Version.text(),
                    ProcessHandle.current().pid(), String.join(", ", addresses),
                    engine.pcpPort().map(String::valueOf).orElse("(none)"));
            StartupReport.ready(readyFile, addresses);
            Optional<String> lost = awaitStopOrLostLoop(controller, server);
            if (lost.isPresent()) {
                return stopAfterLosingALoop(controller, lost.get(), log);
            }
            ShutdownMode stoppedIn = controller.stopped().join();
            controller.shutdownExecutor();
            log.info("Tidepool stopped ({} shutdown)", stoppedIn.name().toLowerCase(java.util.Locale.ROOT));
            return EXIT_OK;
        } catch (Exception e) {
            log.error("start-up failed: {}", e.getMessage(), e);
            if (engine != null) {
                try {
                    engine.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            String message = "start-up failed: " + describeFailure(e);
            StartupReport.failed(readyFile, message);
            if (!logsToStderr(config)) {
                err.println("tidepool: " + message); // the log line above went to a file or syslog
            }
            return EXIT_FAILED;
        } finally {
            pidFile.release();
        }
    }

    /** {@code -F}, {@code -a}, {@code -k} as given; unset ones keep the configuration's defaults. */
    private ConfigFileOverrides overrides(ServerFiles files) {
        ConfigFileOverrides overrides = ConfigFileOverrides.NONE;
        if (pcpFile != null) {
            overrides = overrides.withPcpConf(files.pcpFile());
        }
        if (hbaFile != null) {
            overrides = overrides.withPoolHba(files.hbaFile());
        }
        if (keyFile != null) {
            overrides = overrides.withPoolKey(files.keyFile());
        }
        return overrides;
    }

    /** pcp_log_rotate: a new file from the collector; without one there is nothing to rotate. */
    private static void rotateLog(LoggingSetup logging, Logger log) {
        if (logging.rotate()) {
            log.info("log rotation requested (pcp_log_rotate)");
        } else {
            log.info("pcp_log_rotate: logging_collector is off, no log file to rotate");
        }
    }

    /** A configuration error names every problem; anything else its message. */
    private static String describeFailure(Exception e) {
        if (e instanceof ConfigException config) {
            return String.join("; ", config.problems().stream().map(ConfigProblem::toString).toList());
        }
        return e.getMessage();
    }

    private boolean logsToStderr(PgpoolConfig config) {
        LogSettings settings = LogSettings.from(config, debug);
        return settings.toStderr() && settings.collector().isEmpty();
    }

    private int failStart(String message) {
        err.println("tidepool: " + message);
        StartupReport.failed(readyFile, message);
        return EXIT_FAILED;
    }

    private static String describe(SocketAddress address) {
        if (address instanceof java.net.InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address.toString();
    }

    /** Holds control signals until the controller exists, then forwards them. */
    private static final class SignalRelay implements java.util.function.Consumer<ControlSignal> {
        private final List<ControlSignal> pending = new java.util.ArrayList<>();
        private ServerController controller;

        @Override
        public synchronized void accept(ControlSignal signal) {
            if (controller != null) {
                controller.request(signal);
            } else {
                pending.add(signal);
            }
        }

        /** pcp_reload_config: a reload as on SIGHUP, waited for; a refused one fails with its problems. */
        void reloadForPcp() throws Exception {
            ServerController target;
            synchronized (this) {
                target = controller;
            }
            if (target == null) {
                throw new IllegalStateException("the server is still starting");
            }
            Optional<ReloadReport> report = target.reloadAndWait(RELOAD_WAIT);
            if (report.isEmpty()) {
                throw new IllegalStateException("the server is shutting down");
            }
            if (!report.get().ok()) {
                throw new IllegalStateException(String.join("; ", report.get().problems()));
            }
        }

        synchronized void deliverTo(ServerController target) {
            controller = target;
            pending.forEach(target::request);
            pending.clear();
        }
    }

    static final class ModeConverter implements CommandLine.ITypeConverter<ShutdownMode> {
        @Override
        public ShutdownMode convert(String value) {
            return ShutdownMode.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "invalid stop mode '" + value + "' (use smart, fast or immediate; s, f, i also work)"));
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        static String text() {
            return Optional.ofNullable(ProxyMain.class.getPackage().getImplementationVersion()).orElse("(development)");
        }

        @Override
        public String[] getVersion() {
            return new String[] {"Tidepool " + text() + " (pgpool-II compatible)"};
        }
    }
}
