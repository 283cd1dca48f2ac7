package io.tidepool.app.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the demo keeps its cluster: {@code $XDG_DATA_HOME/tidepool/demo}, else
 * {@code ~/.local/share/tidepool/demo} (the XDG base-directory rule). It is data the user
 * may want to keep between runs, not a cache and not a temporary directory.
 *
 * <p>As root the folder is {@value #ROOT_DIRECTORY} instead: PostgreSQL refuses to run as
 * root, so the servers run as another OS user, who cannot enter root's home (mode 0700).
 */
public final class DemoLocation {
    static final String ROOT_DIRECTORY = "/var/lib/tidepool/demo";

    private DemoLocation() {
    }

    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), System.getProperty("user.home"), isRoot());
    }

    static Path defaultDirectory(Map<String, String> environment, String home, boolean root) {
        if (root) {
            return Path.of(ROOT_DIRECTORY);
        }
        String dataHome = environment.get("XDG_DATA_HOME");
        // XDG: a relative value is invalid and must be ignored.
        Path base = dataHome != null && !dataHome.isBlank() && Path.of(dataHome).isAbsolute()
                ? Path.of(dataHome)
                : Path.of(home, ".local", "share");
        return base.resolve("tidepool").resolve("demo");
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
