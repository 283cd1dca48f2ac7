package io.tidepool.console.it;

import io.tidepool.console.ConsoleWindow;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.connections.ConnectionStore;
import javafx.stage.Stage;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A real console window for window tests (XxxIT, run under a display: Xvfb in CI). Counts the
 * snapshots the console applied, so tests can say "within N refreshes".
 */
public final class ConsoleFixture implements AutoCloseable {

    private final ConsoleWindow window;
    private final AtomicInteger snapshots = new AtomicInteger();

    private ConsoleFixture(ConsoleWindow window) {
        this.window = window;
        fx(() -> {
            window.session().onSnapshot(s -> snapshots.incrementAndGet());
            return null;
        });
    }

    /** Opens the console on the primary stage with saved connections kept in {@code scratch}. */
    public static ConsoleFixture open(ClusterClients clients, Path scratch) throws Exception {
        if (System.getenv("DISPLAY") == null && !Boolean.getBoolean("testfx.headless")) {
            throw new AssertionError("window tests need a display: run them with ./tidepool test or under xvfb-run");
        }
        Stage stage = FxToolkit.registerPrimaryStage();
        ConsoleWindow w = fxCall(() -> {
            ConsoleWindow cw = new ConsoleWindow(stage, clients, new ConnectionStore(scratch.resolve("connections.json")));
            stage.show();
            stage.toFront();
            return cw;
        });
        return new ConsoleFixture(w);
    }

    public void connect(ConnectionProfile profile, Optional<String> password, Optional<String> pcpPassword) {
        fx(() -> {
            window.mainViewModel().saveProfile(profile);
            return window.mainViewModel().connect(profile, password, pcpPassword);
        });
    }

    public ConsoleWindow window() {
        return window;
    }

    /**
     * Raises and focuses the window. X without a window manager (Xvfb) does not do it by itself
     * after other windows of the test JVM came and went, and the first click would be lost.
     */
    public void toFront() {
        fx(() -> {
            window.stage().toFront();
            window.stage().requestFocus();
            return null;
        });
    }

    /** Snapshots applied so far. */
    public int snapshots() {
        return snapshots.get();
    }

    /** Waits until {@code condition} (evaluated on the FX thread) holds, or fails saying what was awaited. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (fx(condition::getAsBoolean)) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what
                + " (connection: " + fx(() -> window.mainViewModel().connectionDetailBinding().get())
                + ", last error: " + fx(() -> window.session().lastErrorProperty().get()) + ")");
    }

    public static <T> T fx(Callable<T> work) {
        try {
            return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("FX step failed: " + e.getMessage(), e);
        }
    }

    private static <T> T fxCall(Callable<T> work) throws Exception {
        return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        fx(() -> {
            window.close();
            return null;
        });
        FxToolkit.cleanupStages();
    }
}
