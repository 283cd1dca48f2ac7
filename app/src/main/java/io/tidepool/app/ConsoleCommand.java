package io.tidepool.app;

import io.tidepool.console.ConsoleLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./tidepool console}: the desktop console, optionally connected to a pgpool-II at once. */
@Command(name = "console",
        description = "Start the desktop console (manage a running pgpool-II or Tidepool).")
public final class ConsoleCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    // -h is the host, as for psql and pgpool-II's tools; help is --help only.
    @Option(names = "--help", usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--connect", description = "connect to this saved connection at start")
    String savedConnection;

    @Override
    public Integer call() {
        if (Displays.missing()) {
            System.err.println("tidepool console: no display (DISPLAY is not set). Run it on a desktop, over"
                    + " 'ssh -X', or under 'xvfb-run'. The headless proxy is './tidepool proxy'.");
            return 1;
        }
        List<String> args = new java.util.ArrayList<>(cluster.asApplicationArguments());
        if (savedConnection != null) {
            args.add("--connect=" + savedConnection);
        }
        ConsoleLauncher.main(args.toArray(String[]::new));
        return 0;
    }
}
