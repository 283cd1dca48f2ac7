package io.tidepool.server;

import io.tidepool.admin.pcp.ProcessInfo;
import java.time.Duration;
import java.util.List;

/**
 * What the engine needs to know about client sessions, for pcp_proc_count / pcp_proc_info and
 * the graceful PCP commands ({@code pcp_detach_node -g}, {@code pcp_promote_node -g}). The proxy
 * implements it; until it is plugged in, {@link #NONE} reports no sessions, which is the truth
 * for an engine that serves none.
 */
public interface SessionRegistry {

    /** Every serving slot, in slot order: the sessions served, then the idle slots (pid 0). */
    List<ProcessInfo> processes();

    /**
     * Stops admitting new sessions, waits until every session has ended or {@code timeout} passed,
     * then admits sessions again. Returns whether all sessions ended in time.
     */
    boolean awaitSessionsEnded(Duration timeout) throws InterruptedException;

    SessionRegistry NONE = new SessionRegistry() {
        @Override
        public List<ProcessInfo> processes() {
            return List.of();
        }

        @Override
        public boolean awaitSessionsEnded(Duration timeout) {
            return true;
        }
    };
}
