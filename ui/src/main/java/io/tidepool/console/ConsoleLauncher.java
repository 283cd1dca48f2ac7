package io.tidepool.console;

import javafx.application.Application;

/**
 * Main class of the console. Deliberately not an {@link Application}: launching a subclass of
 * Application from a plain class-path jar fails with "JavaFX runtime components are missing".
 */
public final class ConsoleLauncher {

    private ConsoleLauncher() {
    }

    /** Arguments: see {@link ConsoleOptions} ({@code --host=127.0.0.1 --port=9999 --pcp-port=9898}). */
    public static void main(String[] args) {
        Application.launch(ConsoleApp.class, args);
    }
}
