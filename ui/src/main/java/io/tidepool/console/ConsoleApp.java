package io.tidepool.console;

import io.tidepool.console.connect.ClusterClients;
import io.tidepool.console.connections.ConnectionStore;
import javafx.application.Application;
import javafx.stage.Stage;

import java.util.Optional;

/** The console as a JavaFX application. Started by {@link ConsoleLauncher}. */
public final class ConsoleApp extends Application {

    private ConsoleWindow window;

    @Override
    public void start(Stage stage) {
        ConsoleOptions options = ConsoleOptions.fromNamed(getParameters().getNamed());
        window = new ConsoleWindow(stage, new ClusterClients(PcpChannels.factory()), ConnectionStore.atDefaultLocation());
        StartupClock.reportFirstPaint(ms -> {
            System.out.println(StartupClock.describe(ms));
            if (options.measureStartup()) {
                javafx.application.Platform.exit();
            }
        });
        stage.show();
        options.connectTo().ifPresent(p -> window.mainViewModel().connect(p, Optional.empty(), Optional.empty()));
        options.savedName().ifPresent(name -> window.profilesLoaded().thenRun(() -> window.mainViewModel().profiles()
                .stream().filter(p -> p.name().equals(name)).findFirst()
                .ifPresentOrElse(p -> {
                    window.mainViewModel().selectedProperty().set(p);
                    window.mainViewModel().connect(p, Optional.empty(), Optional.empty());
                }, () -> System.err.println("tidepool console: no saved connection named '" + name + "'"))));
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
    }
}
