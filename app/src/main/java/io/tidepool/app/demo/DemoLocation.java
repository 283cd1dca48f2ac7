package io.tidepool.app.demo;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the demo keeps its cluster: {@code $XDG_DATA_HOME/tidepool/demo}, else
 * {@code ~/.local/share/tidepool/demo} (the XDG base-directory rule). It is data the user
 * may want to keep between runs, not a cache and not a temporary directory.
 */
public final class DemoLocation {
    private DemoLocation() {
    }

    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), System.getProperty("user.home"));
    }

    static Path defaultDirectory(Map<String, String> environment, String home) {
        String dataHome = environment.get("XDG_DATA_HOME");
        // XDG: a relative value is invalid and must be ignored.
        Path base = dataHome != null && !dataHome.isBlank() && Path.of(dataHome).isAbsolute()
                ? Path.of(dataHome)
                : Path.of(home, ".local", "share");
        return base.resolve("tidepool").resolve("demo");
    }
}
