package io.tidepool.harness;

import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.function.Consumer;

/**
 * Gives a test class a running PostgreSQL primary with streaming standbys, made from the local
 * PostgreSQL binaries (see {@link io.tidepool.ops.local.LocalCluster} for what is built and how).
 *
 * <pre>{@code
 * class RoutingIT {
 *     // Shared by every class of this JVM that asks for 2 standbys; must not be damaged.
 *     @RegisterExtension
 *     static final PgClusterExtension pg = PgClusterExtension.shared(2);
 *
 *     @Test
 *     void readGoesToStandby() throws Exception {
 *         try (Connection c = pg.primary().connect()) { ... }
 *         PgClients.psql(pg.primary().endpoint(), "select 1").orThrow("psql");
 *     }
 * }
 *
 * class FailoverIT {
 *     // A new cluster for each test (instance field), destroyed after it, even when it fails.
 *     @RegisterExtension
 *     final PgClusterExtension pg = PgClusterExtension.fresh(2);
 *
 *     // Or one new cluster for the whole class (static field), destroyed after the last test:
 *     // static final PgClusterExtension pg = PgClusterExtension.fresh(1, b -> b.auth(AuthMethod.SCRAM_SHA_256));
 *
 *     @Test
 *     void primaryDies() {
 *         pg.primary().kill();
 *         pg.standby(1).promote();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Nodes are {@code node0} (primary) and {@code node1..N} (standbys), on 127.0.0.1 and free
 * ports; superuser {@code postgres}/{@code postgres}, replication role
 * {@code replicator}/{@code replicator}. {@link LocalNode#endpoint()} gives host, port and
 * credentials for pgJDBC, {@link PgClients#psql} and {@link PgClients#pgbench}.
 *
 * <p>When a test fails, the last lines of every node's server log are printed to stderr.
 * Cleanup also happens when the JVM is aborted (shutdown hook) or killed (the next test JVM
 * removes what is left); see {@link TestClusters}.
 */
public final class PgClusterExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final int standbys;
    private final boolean shared;
    private final Consumer<LocalCluster.Builder> options;
    private volatile LocalCluster cluster;
    private volatile boolean classScoped;

    private PgClusterExtension(int standbys, boolean shared, Consumer<LocalCluster.Builder> options) {
        this.standbys = standbys;
        this.shared = shared;
        this.options = options;
    }

    /** The JVM-wide shared cluster with {@code standbys} standbys and trust authentication; never stopped by the extension. */
    public static PgClusterExtension shared(int standbys) {
        return new PgClusterExtension(standbys, true, b -> { });
    }

    /** A cluster of the test's own: per test for an instance field, per class for a static field. */
    public static PgClusterExtension fresh(int standbys) {
        return fresh(standbys, b -> { });
    }

    /** Like {@link #fresh(int)}, with builder options (authentication, settings, checksums...). */
    public static PgClusterExtension fresh(int standbys, Consumer<LocalCluster.Builder> options) {
        return new PgClusterExtension(standbys, false, options);
    }

    private volatile String classOwner;

    @Override
    public void beforeAll(ExtensionContext context) {
        classScoped = true;
        if (cluster == null) {
            // @Nested classes inherit a static extension: they share the outer class's cluster.
            classOwner = context.getUniqueId();
            cluster = obtain();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!classScoped) {
            cluster = obtain();
        } else if (shared) {
            // An earlier class may have damaged the shared cluster; TestClusters replaces it then.
            cluster = obtain();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LocalCluster current = cluster;
        if (current == null) {
            return;
        }
        context.getExecutionException().ifPresent(failure -> printLogTails(context.getDisplayName(), current));
        if (!classScoped && !shared) {
            cluster = null;
            current.destroy();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(classOwner)) {
            return;
        }
        LocalCluster current = cluster;
        cluster = null;
        if (current != null && !shared) {
            current.destroy();
        }
    }

    private LocalCluster obtain() {
        return shared ? TestClusters.shared(standbys, io.tidepool.ops.local.AuthMethod.TRUST)
                : TestClusters.fresh(standbys, options);
    }

    public LocalCluster cluster() {
        LocalCluster current = cluster;
        if (current == null) {
            throw new IllegalStateException("no cluster: register PgClusterExtension with @RegisterExtension "
                    + "and use it from a test or a @BeforeEach/@BeforeAll method");
        }
        return current;
    }

    public LocalNode primary() {
        return cluster().primary();
    }

    /** Standby {@code i}, from 1. */
    public LocalNode standby(int i) {
        return cluster().standby(i);
    }

    public List<LocalNode> nodes() {
        return cluster().nodes();
    }

    private static void printLogTails(String test, LocalCluster cluster) {
        StringBuilder text = new StringBuilder("tidepool harness: '").append(test).append("' failed; server logs of ")
                .append(cluster).append(':');
        for (LocalNode node : cluster.nodes()) {
            text.append("\n--- ").append(node.name()).append(" (").append(node.isRunning() ? "running" : "not running")
                    .append(") ").append(node.logFile());
            node.logTail(25).forEach(line -> text.append("\n  ").append(line));
        }
        System.err.println(text);
    }
}
