package io.tidepool.console.it;

import io.tidepool.console.ConsoleWindow;
import io.tidepool.console.client.PoolNode;
import io.tidepool.console.screenshots.PngWriter;
import io.tidepool.console.session.ConsoleTask;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.connections.ConnectionStore;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableRow;
import javafx.scene.input.KeyCode;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

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

    /**
     * Right-clicks node {@code nodeId}'s table row and returns the menu item {@code itemId} (a
     * second try if no menu shows).
     */
    public Node openRowMenuItem(FxRobot robot, int nodeId, String itemId) {
        for (int attempt = 1; ; attempt++) {
            WaitForAsyncUtils.waitForFxEvents();
            // Only a row that is shown: the table also keeps invisible cells (for measuring) that hold items.
            Node row = fx(() -> robot.lookup("#nodesTable .table-row-cell").queryAll().stream()
                    .filter(r -> r.isVisible() && r.getParent() != null && r.getParent().isVisible())
                    .filter(r -> r instanceof TableRow<?> tr && tr.getItem() instanceof PoolNode p && p.nodeId() == nodeId)
                    .findFirst().orElseThrow(() -> new AssertionError("no table row for node " + nodeId)));
            // Select the row first: it brings the window to the front and gives it focus, which
            // X without a window manager does not do by itself after other windows came and went.
            toFront();
            robot.clickOn(row);
            robot.rightClickOn(row);
            try {
                WaitForAsyncUtils.waitFor(3, TimeUnit.SECONDS,
                        () -> robot.lookup(".context-menu .menu-item").match((Node n) -> itemId.equals(n.getId())).tryQuery().isPresent());
                return robot.lookup(".context-menu .menu-item").match((Node n) -> itemId.equals(n.getId())).query();
            } catch (TimeoutException e) {
                if (attempt == 2) {
                    try {
                        PngWriter.write(robot.capture(Screen.getPrimary().getBounds()).getImage(),
                                Path.of("target", "screenshots", "failure-row-menu.png"));
                    } catch (IOException ignored) {
                        // The assertion below says what went wrong; the picture is a bonus.
                    }
                    throw new AssertionError("right-clicking node " + nodeId + "'s row showed no '" + itemId + "' item; menu items: "
                            + robot.lookup(".context-menu .menu-item").queryAll().stream().map(Node::getId).toList());
                }
                robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
            }
        }
    }

    /**
     * Opens node {@code nodeId}'s card menu, picks {@code itemId}, confirms, and waits for the
     * task to end successfully.
     */
    public void runFromCard(FxRobot robot, int nodeId, String itemId) {
        toFront();
        robot.clickOn("#card-actions-" + nodeId);
        try {
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                    () -> robot.lookup(".context-menu .menu-item").match((Node n) -> itemId.equals(n.getId())).tryQuery().isPresent());
        } catch (TimeoutException e) {
            throw new AssertionError("the card menu of node " + nodeId + " shows no '" + itemId + "'", e);
        }
        Node item = robot.lookup(".context-menu .menu-item").match((Node n) -> itemId.equals(n.getId())).query();
        assertThat(item.getPseudoClassStates()).as("'%s' is enabled", ((Labeled) item.lookup(".label")).getText())
                .doesNotContain(PseudoClass.getPseudoClass("disabled"));
        var before = fx(() -> window.actions().currentTaskProperty().get());
        robot.clickOn(item);
        robot.clickOn("#confirm-action");
        await("the request to finish", Duration.ofSeconds(60), () -> window.actions().currentTaskProperty().get()
                .filter(t -> before.map(b -> b != t).orElse(true))
                .map(t -> t.stateProperty().get() != ConsoleTask.State.RUNNING).orElse(false));
        assertThat(fx(() -> window.actions().currentTaskProperty().get().orElseThrow().stateProperty().get()))
                .as(fx(() -> window.actions().currentTaskProperty().get().orElseThrow().messageProperty().get()))
                .isEqualTo(ConsoleTask.State.SUCCEEDED);
    }

    /** Leaves a picture of the window in target/screenshots for a person to look at. */
    public void keepPicture(String name) {
        try {
            PngWriter.write(fx(() -> window.stage().getScene().snapshot(null)), Path.of("target", "screenshots", name + ".png"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node with {@code id} in the latest snapshot the console applied. */
    public PoolNode node(int id) {
        return fx(() -> window.session().nodes().stream().filter(n -> n.nodeId() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + id + " in the console")));
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
