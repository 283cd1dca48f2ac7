package io.tidepool.app;

import io.tidepool.console.screenshots.ScreenshotRenderer;
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
 * running pgpool-II into PNG files. Without a display it runs itself again under
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

    @Override
    public Integer call() throws Exception {
        if (cluster.profile().isEmpty()) {
            System.err.println("tidepool screenshots: give the pgpool-II to photograph with --host (and --port, --pcp-port)");
            return 2;
        }
        if (Displays.missing()) {
            return rerunUnderXvfb();
        }
        try {
            List<ScreenshotRenderer.Shot> shots = ScreenshotRenderer.render(cluster.profile().get(), Optional.empty(),
                    Optional.empty(), out, Duration.ofSeconds(timeoutSeconds));
            for (ScreenshotRenderer.Shot s : shots) {
                System.out.println(s.file().toAbsolutePath() + " (" + s.width() + "x" + s.height() + ")");
            }
            return 0;
        } catch (IllegalStateException | IOException e) {
            System.err.println("tidepool screenshots: " + e.getMessage());
            return 1;
        } finally {
            Platform.exit();
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
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        pb.environment().put(UNDER_XVFB, "1");
        pb.directory(new File(System.getProperty("user.dir")));
        return pb.start().waitFor();
    }
}
