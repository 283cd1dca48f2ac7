package io.tidepool.server;

import io.tidepool.admin.pcp.ProcessInfo;
import java.time.Duration;
import java.util.List;

/**
 * The proxy's serving slots as pcp_proc_count and pcp_proc_info see them, the slots of SHOW
 * pool_processes and pool_pools ({@link io.tidepool.session.ServingSlots}): a served session's id
 * where pgpool-II shows a child's pid, idle slots up to num_init_children. Built on demand from the
 * sessions' own snapshots; holds nothing.
 */
final class ProxySessionRegistry implements SessionRegistry {

    private static final Duration POLL = Duration.ofMillis(100);

    private final ProxyServer proxy;

    ProxySessionRegistry(ProxyServer proxy) {
        this.proxy = proxy;
    }

    @Override
    public List<ProcessInfo> processes() {
        return proxy.servingSlots();
    }

    /**
     * Waits until no client session is open or {@code timeout} passed. New sessions are admitted
     * meanwhile; {@link TidepoolEngine#awaitSessionsEnded} holds them first (graceful detach).
     */
    @Override
    public boolean awaitSessionsEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (proxy.sessionCount() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }
}
