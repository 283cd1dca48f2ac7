package io.tidepool.app;

import java.util.Locale;

/** Whether a graphical display is available to JavaFX. */
final class Displays {

    private Displays() {
    }

    /** True on Linux and other X11 systems when {@code DISPLAY} and {@code WAYLAND_DISPLAY} are both unset. */
    static boolean missing() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win") || os.contains("mac")) {
            return false;
        }
        return isBlank(System.getenv("DISPLAY")) && isBlank(System.getenv("WAYLAND_DISPLAY"));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
