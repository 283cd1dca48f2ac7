package io.tidepool.console.client;

import java.util.List;
import java.util.function.Consumer;

/**
 * The proxy's own log, line by line, where the console can read it: only for the engine running
 * in the console's process (a remote proxy's log stays on its host).
 *
 * <p>Threading: {@link #onLine} listeners are called on the thread that logged; they must only
 * hand the line over (the session moves it to the FX thread).
 */
public interface LogFeed {

    /** The newest kept lines, oldest first. */
    List<String> recentLines();

    /** Delivers every later line. */
    Subscription onLine(Consumer<String> listener);
}
