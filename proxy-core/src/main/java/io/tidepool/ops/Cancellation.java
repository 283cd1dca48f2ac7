package io.tidepool.ops;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A request to stop a long operation, shared by the caller (a console task, a PCP client that
 * hung up, a test) and the code doing the work. Work checks {@link #isCancelled()} between steps
 * and registers {@link #onCancel} hooks to interrupt what blocks (a remote command, a transfer).
 * Thread-safe; cancelling twice is harmless.
 */
public final class Cancellation {

    /** A registered hook; closing removes it. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    /** A token nobody cancels, for callers without a cancel button. */
    public static Cancellation none() {
        return new Cancellation();
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Cancels and runs every registered hook once, on the calling thread. */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (RuntimeException ignored) {
                // A hook interrupts something that may already have ended; nothing to report.
            }
        }
    }

    /**
     * Runs {@code hook} when this is cancelled (at once when it already is). Closing the returned
     * handle removes the hook: do so when the guarded work has ended.
     */
    public Registration onCancel(Runnable hook) {
        hooks.add(hook);
        if (cancelled) {
            hook.run();
        }
        return () -> hooks.remove(hook);
    }
}
