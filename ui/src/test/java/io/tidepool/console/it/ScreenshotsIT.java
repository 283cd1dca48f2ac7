package io.tidepool.console.it;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.console.ConsoleWindow;
import io.tidepool.console.PcpChannels;
import io.tidepool.console.client.embedded.EmbeddedEngineClient;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.harness.DebianPgpool;
import io.tidepool.console.screenshots.ScreenshotRenderer;
import io.tidepool.harness.TestClusters;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.server.logging.LogTail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The screenshot renderer against Debian's pgpool-II, and against an engine in this process, in
 * front of the shared harness cluster: every main view and the action confirmation dialog become
 * non-empty PNGs of the right size. The files stay in {@code ui/target/screenshots} (and its
 * {@code embedded/}) for a person to look at.
 */
class ScreenshotsIT {

    /** SELECTs through pgpool-II while the pictures are taken, so the reads chart has lines. Bounded to 2 minutes. */
    private static final class ReadTraffic implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;

        private ReadTraffic(DebianPgpool pgpool, String user) {
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            thread = new Thread(() -> {
                int round = 0;
                while (!stop && System.nanoTime() < end) {
                    // A new session every few statements lets pgpool-II pick another load-balance node.
                    try (java.sql.Connection c = pgpool.connect(user); java.sql.Statement st = c.createStatement()) {
                        for (int i = 0; i < 5 + (round++ % 7) && !stop; i++) {
                            st.execute("SELECT 1");
                            Thread.sleep(10);
                        }
                    } catch (java.sql.SQLException e) {
                        ConsoleFixture.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "screenshots-read-traffic");
            thread.setDaemon(true);
        }

        static ReadTraffic start(DebianPgpool pgpool, String user) {
            ReadTraffic t = new ReadTraffic(pgpool, user);
            t.thread.start();
            return t;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    @Test
    void rendersTheEmbeddedEnginesViewsWithoutPgpool(@TempDir Path work) throws Exception {
        if (System.getenv("DISPLAY") == null) {
            throw new AssertionError("screenshots need a display: run under ./tidepool test or xvfb-run");
        }
        org.testfx.api.FxToolkit.registerPrimaryStage();
        LocalCluster cluster = TestClusters.primaryWithStandbys(2);
        Path out = Path.of("target", "screenshots", "embedded");
        try (TidepoolEngine engine = new TidepoolEngine(
                ClusterConfigs.pgpoolConf(cluster, work, Map.of("health_check_period", "1")),
                TidepoolEngine.Options.defaults().withPcp(false));
             LogTail log = LogTail.attach(100)) {
            engine.start();
            ClusterClients clients = new ClusterClients(
                    PcpChannels.factory()).withEmbeddedEngine(() ->
                    new EmbeddedEngineClient(engine, Optional.of(log),
                            EmbeddedEngineClient.selectCountsUnknown()));
            List<ScreenshotRenderer.Shot> shots = ScreenshotRenderer.render(clients,
                    ConnectionProfile.embedded("harness engine"), Optional.empty(), Optional.empty(), out,
                    Duration.ofSeconds(30));

            assertPictures(shots);
        }
    }

    private static void assertPictures(List<ScreenshotRenderer.Shot> shots) throws IOException {
        assertThat(shots).extracting(ScreenshotRenderer.Shot::name)
                .containsExactly("topology", "table", "charts", "events", "confirm-detach");
        for (ScreenshotRenderer.Shot shot : shots) {
            assertThat(Files.size(shot.file())).as(shot.name()).isGreaterThan(5_000);
            BufferedImage image = ImageIO.read(shot.file().toFile());
            assertThat(image).as(shot.name() + " is a readable PNG").isNotNull();
            assertThat(image.getWidth()).isEqualTo(shot.width());
            assertThat(image.getHeight()).isEqualTo(shot.height());
            if (!shot.name().equals("confirm-detach")) {
                assertThat(image.getWidth()).isEqualTo((int) ConsoleWindow.WIDTH);
                assertThat(image.getHeight()).isEqualTo((int) ConsoleWindow.HEIGHT);
            } else {
                assertThat(image.getWidth()).isBetween(300, 1000);
                assertThat(image.getHeight()).isBetween(150, 800);
            }
            System.out.println("screenshot " + shot.name() + ": " + shot.file().toAbsolutePath()
                    + " (" + image.getWidth() + "x" + image.getHeight() + ")");
        }
    }

    @Test
    void rendersTheMainViewsAndTheConfirmationDialogAsPngFiles() throws Exception {
        DebianPgpool.requireInstalled();
        if (System.getenv("DISPLAY") == null) {
            throw new AssertionError("screenshots need a display: run under ./tidepool test or xvfb-run");
        }
        // TestFX owns the FX toolkit in this JVM (other window tests share it); the renderer reuses it.
        org.testfx.api.FxToolkit.registerPrimaryStage();
        LocalCluster cluster = TestClusters.primaryWithStandbys(2);
        Path out = Path.of("target", "screenshots");
        try (DebianPgpool pgpool = DebianPgpool.start(cluster.nodes().stream()
                .map(n -> new DebianPgpool.Backend(n.host(), n.port(), n.name())).toList(), cluster.superuser());
             ReadTraffic traffic = ReadTraffic.start(pgpool, cluster.superuser())) {
            List<ScreenshotRenderer.Shot> shots = ScreenshotRenderer.render(
                    ConnectionProfile.pgpool("harness pgpool", "127.0.0.1", pgpool.port(), cluster.superuser(),
                            pgpool.pcpPort(), DebianPgpool.PCP_USER),
                    Optional.empty(), Optional.empty(), out, Duration.ofSeconds(30));

            assertPictures(shots);
        }
    }
}
