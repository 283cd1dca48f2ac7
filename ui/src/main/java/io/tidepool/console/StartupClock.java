package io.tidepool.console;

import javafx.animation.AnimationTimer;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Measures startup to first paint: from JVM start (what the operator waits for after pressing
 * enter) to the second animation pulse after the window was shown. The first pulse lays the
 * scene out and renders it; the second proves that frame went out.
 */
public final class StartupClock {

    private StartupClock() {
    }

    /** Milliseconds since the JVM started. */
    public static long millisSinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** Calls {@code report} once with the milliseconds from JVM start to the first painted frame. */
    public static void reportFirstPaint(LongConsumer report) {
        new AnimationTimer() {
            private int pulses;

            @Override
            public void handle(long now) {
                if (++pulses == 2) {
                    stop();
                    report.accept(millisSinceJvmStart());
                }
            }
        }.start();
    }

    public static String describe(long millis) {
        return String.format(Locale.ROOT, "tidepool console: first paint %d ms after JVM start", millis);
    }
}
