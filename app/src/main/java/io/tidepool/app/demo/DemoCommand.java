package io.tidepool.app.demo;

import io.tidepool.app.Displays;
import io.tidepool.config.ConfigException;
import io.tidepool.console.EmbeddedConsole;
import io.tidepool.console.connections.ConnectionStore;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.server.ControlSignal;
import io.tidepool.server.PidFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./tidepool demo}: a local primary and two streaming standbys made from the machine's
 * PostgreSQL binaries, with the engine (cluster owner + proxy) in front of them in this process and
 * the console connected to it, until Ctrl-C or the console window is closed. Without a display
 * (or with {@code --headless}) it runs without the console and says so.
 *
 * <p>Layout of the demo folder: {@code cluster/} (the PostgreSQL nodes, kept between runs so a
 * second start takes seconds), {@code pgpool.conf} (rewritten at each start), {@code log/}
 * (the proxy's log), {@code run/} (pid files, pgpool_status). {@code --down} stops a running
 * demo and deletes the folder.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs a local PostgreSQL primary + 2 streaming standbys with the proxy in front of them (Ctrl-C stops it).",
            "The cluster is kept between runs; --down removes it."})
public final class DemoCommand implements Callable<Integer> {
    private static final String SUPERUSER = "postgres";

    @Option(names = "--down", description = "stop the demo if it runs and delete its folder")
    boolean down;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "demo folder (default: $XDG_DATA_HOME/tidepool/demo or ~/.local/share/tidepool/demo)")
    Path directory;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9999", description = "proxy port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--headless", description = "do not open the console, even when a display is available")
    boolean headless;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path folder = (directory != null ? directory : DemoLocation.defaultDirectory()).toAbsolutePath().normalize();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return down ? removeDemo(folder, out, err) : runDemo(folder, out, err);
        } catch (RuntimeException e) {
            err.println("tidepool demo: " + e.getMessage());
            return 1;
        }
    }

    private int runDemo(Path folder, PrintWriter out, PrintWriter err) {
        PidFile demoPid = PidFile.at(folder.resolve("run/demo.pid"));
        Optional<ProcessHandle> running = demoPid.runningProcess();
        if (running.isPresent()) {
            err.println("tidepool demo: a demo is already running in " + folder + " (pid " + running.get().pid()
                    + "); stop it with Ctrl-C in its terminal, or run './tidepool demo --down' to remove it");
            return 1;
        }
        try {
            Files.createDirectories(folder.resolve("run"));
            demoPid.acquire();
        } catch (IOException e) {
            err.println("tidepool demo: cannot create " + folder + ": " + e.getMessage());
            return 1;
        } catch (PidFile.PidFileException e) {
            err.println("tidepool demo: " + e.getMessage());
            return 1;
        }
        LocalCluster cluster = null;
        DemoEngine engine = null;
        EmbeddedConsole console = null;
        try {
            Path clusterDir = folder.resolve("cluster");
            if (LocalCluster.exists(clusterDir)) {
                out.println("Starting the demo cluster in " + clusterDir + " ...");
                out.flush();
                cluster = LocalCluster.open(clusterDir);
                cluster.start();
            } else {
                out.println("Creating a primary and 2 streaming standbys in " + clusterDir
                        + " (initdb, pg_basebackup; about half a minute) ...");
                out.flush();
                cluster = LocalCluster.builder()
                        .standbys(2)
                        .directory(clusterDir)
                        .superuser(SUPERUSER, SUPERUSER)
                        .atExit(LocalCluster.ExitAction.STOP)
                        .build();
            }
            engine = DemoEngine.start(nodesOf(cluster), port, folder, cluster.superuser(), cluster.superuserPassword());
            // Signals first: a stop that arrives while the console opens must still stop cleanly.
            CompletableFuture<String> stop = new CompletableFuture<>();
            for (String warning : ControlSignal.install(signal -> {
                if (signal != ControlSignal.RELOAD) {
                    stop.complete(signal.name());
                }
            })) {
                err.println("tidepool demo: " + warning);
            }
            console = openConsole(engine, out);
            if (console != null) {
                console.closedByUser().thenRun(() -> stop.complete("the console window was closed"));
            }
            printWelcome(out, folder, cluster);
            stop.join();
            out.println();
            out.println("Stopping the proxy and the cluster ...");
            out.flush();
            return 0;
        } catch (ConfigException e) {
            err.println("tidepool demo: the generated pgpool.conf was rejected (a bug, please report it):");
            e.problems().forEach(problem -> err.println("  " + problem));
            return 1;
        } catch (IOException e) {
            err.println("tidepool demo: " + e.getMessage());
            return 1;
        } finally {
            if (console != null) {
                console.close();
                EmbeddedConsole.exitToolkit();
            }
            if (engine != null) {
                try {
                    engine.close();
                } catch (RuntimeException e) {
                    err.println("tidepool demo: the proxy did not stop cleanly: " + e.getMessage());
                }
            }
            if (cluster != null) {
                cluster.close(); // a cluster in a folder is stopped, not deleted
                out.println("Stopped. The cluster is kept in " + folder + " for the next './tidepool demo';"
                        + " './tidepool demo --down' deletes it.");
                out.flush();
            }
            demoPid.release();
        }
    }

    /** The console on the demo's engine, or null (said why) when there is no display or it cannot start. */
    private EmbeddedConsole openConsole(DemoEngine engine, PrintWriter out) {
        if (headless) {
            out.println("Headless (--headless): the console is not opened.");
            out.flush();
            return null;
        }
        if (Displays.missing()) {
            out.println("No display (DISPLAY is not set): running headless, without the console."
                    + " Run the demo on a desktop, over 'ssh -X' or under 'xvfb-run' to see it.");
            out.flush();
            return null;
        }
        try {
            EmbeddedConsole console = EmbeddedConsole.open(engine.consoleClients(), ConnectionStore.atDefaultLocation());
            out.println("The console is open. Closing its window stops the demo too.");
            out.flush();
            return console;
        } catch (IllegalStateException e) {
            out.println("The console cannot open (" + e.getMessage() + "): running headless.");
            out.flush();
            return null;
        }
    }

    static List<DemoConfig.Node> nodesOf(LocalCluster cluster) {
        return cluster.nodes().stream()
                .map(node -> new DemoConfig.Node(node.name(), node.host(), node.port(), node.dataDirectory()))
                .toList();
    }

    private void printWelcome(PrintWriter out, Path folder, LocalCluster cluster) {
        out.println();
        out.println("Tidepool demo is running. Connect through the proxy:");
        out.println();
        out.println("    psql -h 127.0.0.1 -p " + port + " -U " + SUPERUSER + " postgres");
        out.println("    (password, where asked: " + cluster.superuserPassword() + ")");
        out.println();
        out.println("Nodes behind it:");
        for (LocalNode node : cluster.nodes()) {
            String role = node == cluster.primary() ? "primary" : "standby";
            out.printf("    %-6s %-8s psql -h %s -p %d -U %s postgres%n", node.name(), role, node.host(), node.port(), SUPERUSER);
        }
        out.println();
        out.println("Configuration: " + folder.resolve("pgpool.conf"));
        out.println("Proxy log:     " + folder.resolve("log"));
        out.println("Clustering mode streaming_replication with builtin_failover: promote and failover need no scripts.");
        out.println("Press Ctrl-C to stop (the cluster is kept; './tidepool demo --down' removes it).");
        out.flush();
    }

    private int removeDemo(Path folder, PrintWriter out, PrintWriter err) {
        PidFile demoPid = PidFile.at(folder.resolve("run/demo.pid"));
        Optional<ProcessHandle> running = demoPid.runningProcess();
        if (running.isPresent()) {
            out.println("Stopping the running demo (pid " + running.get().pid() + ") ...");
            out.flush();
            // SIGTERM: the demo stops the same way on any stop signal, and unlike SIGINT it is
            // never ignored by a demo started as a background job.
            ControlSignal.SMART_STOP.sendTo(running.get().pid());
            try {
                running.get().onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                err.println("tidepool demo: the running demo (pid " + running.get().pid()
                        + ") did not stop within 60 s; stop it first");
                return 1;
            }
        }
        Path clusterDir = folder.resolve("cluster");
        if (LocalCluster.exists(clusterDir)) {
            LocalCluster.open(clusterDir).destroy();
        }
        if (!Files.exists(folder)) {
            out.println("No demo in " + folder + ": nothing to remove.");
            return 0;
        }
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            err.println("tidepool demo: cannot delete " + folder + ": " + e.getMessage());
            return 1;
        }
        out.println("Removed the demo in " + folder + ".");
        return 0;
    }
}
