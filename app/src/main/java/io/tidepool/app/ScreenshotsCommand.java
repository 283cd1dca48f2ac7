package io.tidepool.app;

import io.tidepool.app.demo.DemoEngine;
import io.tidepool.config.ConfigException;
import io.tidepool.console.PcpChannels;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.screenshots.ScreenshotRenderer;
import io.tidepool.ops.local.LocalCluster;
import javafx.application.Platform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./tidepool screenshots --host H --port P --out DIR}: renders the console's main views
 * (topology, pool_nodes table, charts, events, an action confirmation dialog) connected to a
 * running pgpool-II into PNG files. {@code --embedded} photographs the console on the engine of
 * this process instead, over a temporary local primary + 2 standbys (the demo's wiring), so it
 * needs neither pgpool-II nor a running cluster. Without a display it runs itself again under
 * {@code xvfb-run}, so it works on servers and in CI.
 */
@Command(name = "screenshots",
        description = "Render the console's main views into PNG files (uses Xvfb when there is no display).")
public final class ScreenshotsCommand implements Callable<Integer> {

    /** Set on the re-run under xvfb-run, so a broken Xvfb cannot loop. */
    static final String UNDER_XVFB = "TIDEPOOL_UNDER_XVFB";

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    // -h is the host, as for psql and pgpool-II's tools; help is --help only.
    @Option(names = "--help", usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-o", "--out"}, defaultValue = "screenshots", description = "directory for the PNG files (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait for the cluster (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--embedded", description = "photograph the embedded engine over a temporary local cluster (no pgpool-II needed)")
    boolean embedded;

    @Override
    public Integer call() throws Exception {
        if (cluster.profile().isEmpty() && !embedded) {
            System.err.println("tidepool screenshots: give the pgpool-II to photograph with --host (and --port, --pcp-port),"
                    + " or use --embedded");
            return 2;
        }
        if (Displays.missing()) {
            return rerunUnderXvfb();
        }
        try {
            List<ScreenshotRenderer.Shot> shots = embedded ? renderEmbedded() : ScreenshotRenderer.render(
                    cluster.profile().get(), Optional.empty(), Optional.empty(), out, Duration.ofSeconds(timeoutSeconds));
            for (ScreenshotRenderer.Shot s : shots) {
                System.out.println(s.file().toAbsolutePath() + " (" + s.width() + "x" + s.height() + ")");
            }
            return 0;
        } catch (IllegalStateException | IOException | ConfigException e) {
            System.err.println("tidepool screenshots: " + e.getMessage());
            return 1;
        } finally {
            Platform.exit();
        }
    }

    /** A temporary cluster and the demo's engine over it, photographed, then removed. */
    private List<ScreenshotRenderer.Shot> renderEmbedded() throws IOException, ConfigException {
        System.out.println("Creating a temporary primary and 2 standbys (about half a minute) ...");
        Path folder = Files.createTempDirectory("tidepool-screenshots-engine-");
        try (LocalCluster local = LocalCluster.builder().standbys(2).build();
             DemoEngine engine = DemoEngine.over(local, 0, folder)) {
            ClusterClients clients = new ClusterClients(PcpChannels.factory()).withEmbeddedEngine(engine.consoleClients());
            return ScreenshotRenderer.render(clients, ConnectionProfile.embedded("temporary cluster"), Optional.empty(),
                    Optional.empty(), out, Duration.ofSeconds(timeoutSeconds));
        } finally {
            deleteTree(folder);
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> tree = Files.walk(root)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("tidepool screenshots: could not remove " + root + ": " + e.getMessage());
        }
    }

    private int rerunUnderXvfb() throws IOException, InterruptedException {
        if (System.getenv(UNDER_XVFB) != null) {
            System.err.println("tidepool screenshots: xvfb-run started but no display is visible");
            return 1;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/xvfb-run"))) {
            System.err.println("tidepool screenshots: no display and no xvfb-run; install it with 'apt-get install xvfb'");
            return 1;
        }
        List<String> argv = new ArrayList<>(List.of("/usr/bin/xvfb-run", "-a", "-s", "-screen 0 1600x1000x24",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TidepoolCli.class.getName(), "screenshots"));
        argv.addAll(cluster.asApplicationArguments());
        argv.add("--out=" + out.toAbsolutePath());
        argv.add("--timeout=" + timeoutSeconds);
        if (embedded) {
            argv.add("--embedded");
        }
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        pb.environment().put(UNDER_XVFB, "1");
        pb.directory(new File(System.getProperty("user.dir")));
        return pb.start().waitFor();
    }
}
