package io.tidepool.server;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a running server is told to stop or reload: Unix signals, as for pgpool-II and
 * PostgreSQL, so that systemd units, init scripts and operators' habits work unchanged.
 *
 * <table>
 *   <caption>signals</caption>
 *   <tr><th>signal</th><th>pgpool-II</th><th>Tidepool</th></tr>
 *   <tr><td>SIGTERM</td><td>smart stop</td><td>smart stop</td></tr>
 *   <tr><td>SIGINT</td><td>fast stop</td><td>fast stop (also Ctrl-C with {@code -n})</td></tr>
 *   <tr><td>SIGQUIT</td><td>immediate stop</td><td>the JVM's thread dump to stdout; no stop</td></tr>
 *   <tr><td>SIGUSR1</td><td>(internal)</td><td>immediate stop</td></tr>
 *   <tr><td>SIGHUP</td><td>reload</td><td>reload</td></tr>
 * </table>
 *
 * <p>Why SIGUSR1 for immediate: HotSpot keeps SIGQUIT for itself and refuses a Java handler
 * for it. {@code -Xrs} would free it only for native code, and would at the same time forbid
 * Java handlers for TERM, INT and HUP, so it is no way out. SIGQUIT therefore keeps its JVM
 * meaning (a thread dump, useful when diagnosing a stuck server) and {@code tidepool stop -m
 * immediate} sends SIGUSR1. SIGUSR2 is taken by HotSpot as well.
 *
 * <p>{@code sun.misc.Signal} lives in the {@code jdk.unsupported} module, which the JDK keeps
 * exported for exactly this purpose; javac's "internal proprietary API" warnings about it are
 * expected.
 *
 * <p>A handler is never installed for a signal that was ignored when the JVM started
 * ({@code nohup} ignores SIGHUP): the JVM keeps it ignored. {@link #install} reports those.
 */
public enum ControlSignal {
    SMART_STOP("TERM"),
    FAST_STOP("INT"),
    IMMEDIATE_STOP("USR1"),
    RELOAD("HUP");

    private final String signalName;

    ControlSignal(String signalName) {
        this.signalName = signalName;
    }

    /** The name {@code kill -s} takes. */
    public String signalName() {
        return signalName;
    }

    /** The stop mode this signal asks for; empty for reload. */
    public Optional<ShutdownMode> shutdownMode() {
        return switch (this) {
            case SMART_STOP -> Optional.of(ShutdownMode.SMART);
            case FAST_STOP -> Optional.of(ShutdownMode.FAST);
            case IMMEDIATE_STOP -> Optional.of(ShutdownMode.IMMEDIATE);
            case RELOAD -> Optional.empty();
        };
    }

    public static ControlSignal forStop(ShutdownMode mode) {
        return switch (mode) {
            case SMART -> SMART_STOP;
            case FAST -> FAST_STOP;
            case IMMEDIATE -> IMMEDIATE_STOP;
        };
    }

    /**
     * Routes every control signal to {@code receiver} (called on the JVM's signal thread: hand
     * the work off, do not block). Returns one warning per signal that could not be taken.
     */
    public static List<String> install(Consumer<ControlSignal> receiver) {
        List<String> warnings = new ArrayList<>();
        for (ControlSignal control : values()) {
            Signal signal = new Signal(control.signalName);
            try {
                SignalHandler previous = Signal.handle(signal, s -> receiver.accept(control));
                if (previous == SignalHandler.SIG_IGN) {
                    warnings.add("SIG" + control.signalName + " was ignored when Tidepool started (nohup, or a background job of a script?),"
                            + " so it cannot be used for " + control.describe()
                            + "; start it in the foreground, under systemd, or (the proxy) without -n: it detaches by itself");
                }
            } catch (IllegalArgumentException e) {
                warnings.add("cannot handle SIG" + control.signalName + ": " + e.getMessage());
            }
        }
        return warnings;
    }

    /** Sends this signal to a process with {@code kill -s}; false when kill failed (gone, not permitted). */
    public boolean sendTo(long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signalName, Long.toString(pid))
                    .redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            return kill.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String describe() {
        return switch (this) {
            case SMART_STOP -> "smart stop";
            case FAST_STOP -> "fast stop";
            case IMMEDIATE_STOP -> "immediate stop";
            case RELOAD -> "reload";
        };
    }
}
