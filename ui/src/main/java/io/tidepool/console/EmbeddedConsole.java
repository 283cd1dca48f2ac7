package io.tidepool.console;

import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionProfile;
import io.tidepool.console.connections.ConnectionStore;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The console window of a process that runs the engine itself ({@code ./tidepool demo}): opened
 * already connected to that engine, with the saved connections available too. The JavaFX toolkit
 * is started here (not through {@code Application.launch}, which would take over the caller's
 * thread), so the caller keeps its own life cycle and closes the window when it stops.
 */
public final class EmbeddedConsole implements AutoCloseable {

    /** The name of the embedded engine in the connection chooser. */
    public static final String PROFILE_NAME = "this demo";

    private final ConsoleWindow window;
    private final CompletableFuture<Void> closedByUser;

    private EmbeddedConsole(ConsoleWindow window, CompletableFuture<Void> closedByUser) {
        this.window = window;
        this.closedByUser = closedByUser;
    }

    /**
     * Starts the toolkit (or reuses it), opens the window and connects it to the engine.
     *
     * @param engineClients makes a client for the engine of this process, one per connection
     * @throws IllegalStateException when the toolkit cannot start (no display, no GTK) or the window
     *                               is not up within 30 s; the caller goes on without a console
     */
    public static EmbeddedConsole open(Supplier<ClusterClient> engineClients, ConnectionStore store) {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // Started before (a test, or a second window): reuse it.
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("the JavaFX toolkit cannot start: " + e.getMessage(), e);
        }
        Platform.setImplicitExit(false);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        CompletableFuture<ConsoleWindow> opened = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                Stage stage = new Stage();
                ClusterClients clients = new ClusterClients(PcpChannels.factory()).withEmbeddedEngine(engineClients);
                ConsoleWindow w = new ConsoleWindow(stage, clients, store);
                StartupClock.reportFirstPaint(ms -> System.out.println(StartupClock.describe(ms)));
                stage.setOnHidden(e -> closed.complete(null));
                stage.show();
                ConnectionProfile engine = ConnectionProfile.embedded(PROFILE_NAME);
                w.mainViewModel().profiles().add(0, engine);
                w.mainViewModel().selectedProperty().set(engine);
                w.mainViewModel().connect(engine, Optional.empty(), Optional.empty());
                opened.complete(w);
            } catch (RuntimeException | Error e) {
                opened.completeExceptionally(e);
            }
        });
        try {
            return new EmbeddedConsole(opened.get(30, TimeUnit.SECONDS), closed);
        } catch (Exception e) {
            throw new IllegalStateException("the console window did not open: " + e.getMessage(), e);
        }
    }

    /** Completes when the operator closed the window. */
    public CompletableFuture<Void> closedByUser() {
        return closedByUser;
    }

    public ConsoleWindow window() {
        return window;
    }

    /** Closes the window (if still open); the toolkit keeps running. Waits at most 10 s. */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                window.close();
                window.stage().close();
            } finally {
                done.complete(null);
            }
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The toolkit is stuck or gone; the process ends anyway.
        }
    }

    /** Ends the JavaFX toolkit of this process (once the windows are closed), so the JVM can exit. */
    public static void exitToolkit() {
        Platform.exit();
    }
}
