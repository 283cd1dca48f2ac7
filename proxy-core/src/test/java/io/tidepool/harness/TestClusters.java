package io.tidepool.harness;

import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Running PostgreSQL clusters for tests: one shared cluster per JVM and shape for tests that
 * leave it as they found it, a fresh one for tests that damage it.
 *
 * <h2>Which one to use</h2>
 * <ul>
 *   <li>{@link #primaryWithStandbys(int)}: shared. Create tables with names of your own, read,
 *       write, connect through the proxy; do <b>not</b> stop, kill or promote nodes, change
 *       {@code pg_hba.conf} or server settings. A shared cluster found with a node down is
 *       replaced (and a warning printed), but the test that broke it may have broken others.</li>
 *   <li>{@link #fresh(int)} / {@link #fresh(int, Consumer)}: a new cluster that is yours; close it
 *       (try-with-resources) or let {@link PgClusterExtension} do it.</li>
 * </ul>
 * Most tests are better served by {@link PgClusterExtension}, which also prints the server
 * logs' tails when a test fails.
 *
 * <h2>Cleanup</h2>
 * Every cluster lives under {@code $TMPDIR/tidepool-cluster-<pid>-*}. Fresh clusters are
 * destroyed by their owner; shared ones when the JVM exits (shutdown hook; also on SIGTERM and
 * Ctrl-C). The first use in a JVM removes clusters left by JVMs that were killed outright
 * (their servers are SIGKILLed, their directories deleted); clusters of other running JVMs are
 * never touched.
 */
public final class TestClusters {

    private record Shape(int standbys, AuthMethod auth) {
    }

    private static final Map<Shape, LocalCluster> SHARED = new ConcurrentHashMap<>();
    private static volatile boolean swept;

    private TestClusters() {
    }

    /** The shared cluster with trust authentication and {@code standbys} streaming standbys (nodes {@code node0..N}). */
    public static LocalCluster primaryWithStandbys(int standbys) {
        return shared(standbys, AuthMethod.TRUST);
    }

    /** The shared cluster whose {@code pg_hba.conf} uses {@code auth} for every line (superuser {@code postgres}/{@code postgres}). */
    public static LocalCluster shared(int standbys, AuthMethod auth) {
        sweepOnce();
        Shape shape = new Shape(standbys, auth);
        synchronized (SHARED) {
            LocalCluster cluster = SHARED.get(shape);
            if (cluster != null && !healthy(cluster)) {
                System.err.println("tidepool harness: shared " + cluster + " was damaged by an earlier test "
                        + "(a node down, promoted or not streaming); replacing it. Tests that stop, kill or promote "
                        + "nodes must use a fresh cluster.");
                try {
                    cluster.destroy();
                } catch (RuntimeException e) {
                    System.err.println("tidepool harness: removing the damaged cluster failed: " + e.getMessage());
                }
                cluster = null;
            }
            if (cluster == null) {
                cluster = LocalCluster.builder().standbys(standbys).auth(auth).build();
                SHARED.put(shape, cluster);
            }
            return cluster;
        }
    }

    /** A new cluster with trust authentication; the caller closes it. */
    public static LocalCluster fresh(int standbys) {
        return fresh(standbys, builder -> { });
    }

    /** A new cluster; {@code options} may change anything but the number of standbys. The caller closes it. */
    public static LocalCluster fresh(int standbys, Consumer<LocalCluster.Builder> options) {
        sweepOnce();
        LocalCluster.Builder builder = LocalCluster.builder();
        options.accept(builder);
        return builder.standbys(standbys).build();
    }

    /** Every node up, node0 still the primary and every standby streaming from it: a cheap check per test. */
    private static boolean healthy(LocalCluster cluster) {
        if (cluster.isDestroyed() || !cluster.nodes().stream().allMatch(LocalNode::isRunning)) {
            return false;
        }
        try {
            String streaming = cluster.primary().queryValue("select count(*) from pg_stat_replication "
                    + "where state = 'streaming' and not pg_is_in_recovery()").orElse("0");
            return Integer.parseInt(streaming) == cluster.standbys().size();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Removes clusters of JVMs that died without cleaning up; once per JVM. */
    static void sweepOnce() {
        if (swept) {
            return;
        }
        synchronized (TestClusters.class) {
            if (!swept) {
                swept = true;
                LocalCluster.removeAbandonedTemporaryClusters()
                        .forEach(dir -> System.err.println("tidepool harness: removed abandoned cluster " + dir));
            }
        }
    }
}
