package io.tidepool.console;

import atlantafx.base.theme.PrimerLight;
import io.tidepool.console.actions.NodeActionsUi;
import io.tidepool.console.actions.NodeActionsViewModel;
import io.tidepool.console.charts.ChartsView;
import io.tidepool.console.charts.ChartsViewModel;
import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connect.ConnectionFormView;
import io.tidepool.console.connect.ConnectionFormViewModel;
import io.tidepool.console.connections.ConnectionStore;
import io.tidepool.console.events.EventsView;
import io.tidepool.console.events.EventsViewModel;
import io.tidepool.console.main.MainView;
import io.tidepool.console.main.MainViewModel;
import io.tidepool.console.nodes.NodesTableView;
import io.tidepool.console.nodes.NodesTableViewModel;
import io.tidepool.console.session.ClusterSession;
import io.tidepool.console.topology.TopologyView;
import io.tidepool.console.topology.TopologyViewModel;
import io.tidepool.console.watchdog.WatchdogView;
import io.tidepool.console.watchdog.WatchdogViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The composition root of the console: builds the session, the ViewModels and the views of the
 * main window, and puts them on a stage. Used by the application, the screenshot renderer and
 * the window tests alike, so all three show the same thing. Call on the FX thread.
 */
public final class ConsoleWindow implements AutoCloseable {

    public static final double WIDTH = 1280;
    public static final double HEIGHT = 800;
    /** How far back the charts reach. */
    public static final Duration CHART_WINDOW = Duration.ofMinutes(5);

    private final Stage stage;
    private final ClusterSession session;
    private final MainViewModel main;
    private final NodeActionsUi actions;
    private final MainView mainView;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.ExecutorService io;
    private final java.util.concurrent.CompletableFuture<Void> profilesLoaded;

    public ConsoleWindow(Stage stage, ClusterClients clients, ConnectionStore store) {
        this.stage = stage;
        // The precompiled (binary) form of the theme: parsing its 170 kB of CSS text costs startup time.
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheetBSS());
        session = new ClusterSession(Platform::runLater);
        io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tidepool-console-files");
            t.setDaemon(true);
            return t;
        });
        main = new MainViewModel(session, clients, store, io);
        TopologyViewModel topology = new TopologyViewModel(session);
        NodesTableViewModel nodes = new NodesTableViewModel(session);
        ChartsViewModel charts = new ChartsViewModel(session, CHART_WINDOW);
        EventsViewModel events = new EventsViewModel(session);
        WatchdogViewModel watchdog = new WatchdogViewModel();
        actions = new NodeActionsUi(new NodeActionsViewModel(session), () -> stage);

        ViewLoader loader = new ViewLoader();
        loader.register(TopologyView.class, () -> new TopologyView(topology, actions))
                .register(NodesTableView.class, () -> new NodesTableView(nodes, actions))
                .register(ChartsView.class, () -> new ChartsView(charts))
                .register(EventsView.class, () -> new EventsView(events))
                .register(WatchdogView.class, () -> new WatchdogView(watchdog))
                .register(ConnectionFormView.class, () -> new ConnectionFormView(new ConnectionFormViewModel()));
        loader.register(MainView.class, () -> new MainView(main, actions, loader, ConnectionFormViewModel::new));
        ViewLoader.Loaded<MainView> view = loader.load(MainView.class);
        mainView = view.controller();

        Scene scene = new Scene(view.root(), WIDTH, HEIGHT);
        scene.getStylesheets().add(Objects.requireNonNull(
                ConsoleWindow.class.getResource("tidepool.css"), "tidepool.css").toExternalForm());
        stage.setScene(scene);
        stage.titleProperty().bind(main.titleBinding());
        stage.setMinWidth(900);
        stage.setMinHeight(600);

        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tidepool-console-refresh");
            t.setDaemon(true);
            return t;
        });
        session.startPolling(timer);
        profilesLoaded = main.loadProfiles();
    }

    /** Completes on the FX thread once the saved connections are in the chooser. */
    public java.util.concurrent.CompletableFuture<Void> profilesLoaded() {
        return profilesLoaded;
    }

    public Stage stage() {
        return stage;
    }

    public ClusterSession session() {
        return session;
    }

    public MainViewModel mainViewModel() {
        return main;
    }

    public MainView mainView() {
        return mainView;
    }

    public NodeActionsUi actions() {
        return actions;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        io.shutdown();
        session.close();
    }
}
