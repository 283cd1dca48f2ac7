package io.tidepool.server;

import io.tidepool.admin.pcp.ProcessInfo;
import io.tidepool.session.SessionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy's sessions as pcp_proc_count and pcp_proc_info see them: one slot per served session,
 * its id where pgpool-II shows a child's pid, one connection row per backend it holds (the rows
 * of SHOW pool_pools). Built on demand from the sessions' own snapshots; holds nothing.
 */
final class ProxySessionRegistry implements SessionRegistry {

    private static final Duration POLL = Duration.ofMillis(100);

    private final ProxyServer proxy;

    ProxySessionRegistry(ProxyServer proxy) {
        this.proxy = proxy;
    }

    @Override
    public List<ProcessInfo> processes() {
        List<ProcessInfo> slots = new ArrayList<>();
        for (SessionInfo s : proxy.sessionInfos()) {
            List<ProcessInfo.PooledConnection> connections = new ArrayList<>();
            for (Map.Entry<Integer, Integer> backend : new java.util.TreeMap<>(s.backendPids()).entrySet()) {
                int node = backend.getKey();
                connections.add(new ProcessInfo.PooledConnection(0, node, s.database(), s.user(),
                        Optional.of(s.started()), Optional.of(s.started()), Optional.empty(), 0, 3, 0, 1,
                        backend.getValue(), true, node == s.loadBalanceNode(), s.clientHost(), s.clientPort(),
                        s.lastStatement()));
            }
            slots.add(new ProcessInfo((int) s.id(), s.started(), 1, s.status(), connections));
        }
        return slots;
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
