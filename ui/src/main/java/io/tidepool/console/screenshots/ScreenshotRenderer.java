package io.tidepool.console.screenshots;

import io.tidepool.console.ConsoleWindow;
import io.tidepool.console.PcpChannels;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.connections.ConnectionStore;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Renders the console's main views into PNG files, connected to a real cluster, so a person
 * can look at them: topology, the pool_nodes table, charts, events, and the confirmation dialog
 * of detaching a standby (shown, photographed, cancelled: nothing is sent). Needs a display
 * (Xvfb is enough). Blocking; call it from a thread that is not the FX thread.
 */
public final class ScreenshotRenderer {

    /** One written picture. */
    public record Shot(String name, Path file, int width, int height) {
    }

    /** Refreshes (every 0.5 s) to wait for before taking pictures, so the charts have lines. */
    private static final int SNAPSHOTS_BEFORE_PICTURES = 12;

    private ScreenshotRenderer() {
    }

    /**
     * @throws IOException when a file cannot be written
     * @throws IllegalStateException when the cluster does not answer in {@code timeout}
     */
    public static List<Shot> render(ConnectionProfile profile, Optional<String> password, Optional<String> pcpPassword,
                                    Path dir, Duration timeout) throws IOException {
        startFx();
        Files.createDirectories(dir);
        Path scratch = Files.createTempDirectory("tidepool-screenshots-");
        AtomicInteger snapshots = new AtomicInteger();
        ConsoleWindow window = fx(() -> {
            ConsoleWindow w = new ConsoleWindow(new Stage(), new ClusterClients(PcpChannels.factory()),
                    new ConnectionStore(scratch.resolve("connections.json")));
            w.session().refreshIntervalSecondsProperty().set(0.5);
            w.session().onSnapshot(s -> snapshots.incrementAndGet());
            w.stage().show();
            w.mainViewModel().saveProfile(profile);
            w.mainViewModel().connect(profile, password, pcpPassword);
            return w;
        });
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (snapshots.get() < SNAPSHOTS_BEFORE_PICTURES) {
                if (System.nanoTime() > deadline) {
                    String why = fx(() -> window.session().lastErrorProperty().get() + " "
                            + window.mainViewModel().connectionDetailBinding().get());
                    throw new IllegalStateException("no cluster state from " + profile.label() + " within "
                            + timeout.toSeconds() + " s: " + why.strip());
                }
                sleep(100);
            }
            List<Shot> shots = new ArrayList<>();
            for (String[] tab : new String[][] {{"topologyTab", "topology"}, {"nodesTab", "table"},
                    {"chartsTab", "charts"}, {"eventsTab", "events"}}) {
                fx(() -> {
                    window.mainView().selectTab(tab[0]);
                    return null;
                });
                settle();
                shots.add(save(tab[1], fx(() -> window.stage().getScene().snapshot(null)), dir));
            }
            shots.add(confirmationShot(window, dir));
            return shots;
        } finally {
            fx(() -> {
                window.close();
                window.stage().close();
                return null;
            });
        }
    }

    private static Shot confirmationShot(ConsoleWindow window, Path dir) throws IOException {
        Alert alert = fx(() -> {
            ClusterSnapshot s = window.session().snapshotProperty().get().orElseThrow();
            PoolNode target = s.nodes().stream().filter(n -> !n.isPrimary()).findFirst().orElse(s.nodes().get(0));
            Alert a = window.actions().confirmation(window.actions().plan(NodeAction.DETACH, target));
            a.show();
            return a;
        });
        try {
            settle();
            Scene scene = fx(() -> alert.getDialogPane().getScene());
            return save("confirm-detach", fx(() -> scene.snapshot(null)), dir);
        } finally {
            fx(() -> {
                alert.setResult(ButtonType.CANCEL);
                alert.close();
                return null;
            });
        }
    }

    private static Shot save(String name, WritableImage image, Path dir) throws IOException {
        Path file = dir.resolve(name + ".png");
        PngWriter.write(image, file);
        return new Shot(name, file, (int) image.getWidth(), (int) image.getHeight());
    }

    /** Lets layout, CSS and a couple of pulses run so the picture shows the settled view. */
    private static void settle() {
        for (int i = 0; i < 3; i++) {
            fx(() -> null);
            sleep(150);
        }
    }

    private static void startFx() {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // The toolkit was started by the caller (a test, or the console itself).
        }
        Platform.setImplicitExit(false);
    }

    private static <T> T fx(Supplier<T> work) {
        if (Platform.isFxApplicationThread()) {
            return work.get();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(work.get());
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the FX thread did not finish a step: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
