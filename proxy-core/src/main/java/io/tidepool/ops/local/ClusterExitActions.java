package io.tidepool.ops.local;

import io.tidepool.server.ShutdownMode;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries out each open cluster's {@link LocalCluster.ExitAction} when the JVM exits, normally
 * or by SIGTERM/SIGINT, from one shutdown hook installed on first use. A JVM killed outright
 * runs none: {@link LocalCluster#removeAbandonedTemporaryClusters()} cleans up after it.
 */
final class ClusterExitActions {

    private static final Set<LocalCluster> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private ClusterExitActions() {
    }

    /** Remembers {@code cluster} for the exit hook unless its action is to leave it running. */
    static void register(LocalCluster cluster) {
        if (cluster.exitAction() == LocalCluster.ExitAction.LEAVE_RUNNING) {
            return;
        }
        OPEN.add(cluster);
        if (!hookInstalled) {
            synchronized (OPEN) {
                if (!hookInstalled) {
                    Runtime.getRuntime().addShutdownHook(new Thread(ClusterExitActions::run, "local-cluster-exit"));
                    hookInstalled = true;
                }
            }
        }
    }

    /** Forgets {@code cluster}: it was closed or destroyed already. */
    static void forget(LocalCluster cluster) {
        OPEN.remove(cluster);
    }

    private static void run() {
        for (LocalCluster cluster : List.copyOf(OPEN)) {
            try {
                if (cluster.exitAction() == LocalCluster.ExitAction.DESTROY) {
                    cluster.destroy();
                } else {
                    cluster.stop(ShutdownMode.FAST);
                }
            } catch (RuntimeException e) {
                System.err.println("tidepool: cleaning up " + cluster + " at exit failed: " + e.getMessage());
            }
        }
    }
}
