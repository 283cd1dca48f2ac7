package io.tidepool.recovery;

import io.tidepool.cluster.ClusteringMode;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.BackendDefinition;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.ops.Cancellation;
import io.tidepool.ops.ssh.SshClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Online recovery of one node at a time: the checks of pgpool-II's {@code pcp_recovery_node}
 * (spec 3.2), a read-only probe, a {@link RecoveryPlan} ({@link #plan}: the dry run), and running
 * it ({@link #recover}) with every step's output streamed to a listener and the journal.
 *
 * <p>Blocking: call it from a worker thread (the PCP worker, a console task, the CLI), never an
 * event loop. Thread-safe; a second recovery while one runs is refused.
 */
public final class OnlineRecovery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnlineRecovery.class);

    private final RecoveryCluster cluster;
    private final SshClient ssh;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public OnlineRecovery(RecoveryCluster cluster) {
        this(cluster, new SshClient(), Clock.systemUTC());
    }

    OnlineRecovery(RecoveryCluster cluster, SshClient ssh, Clock clock) {
        this.cluster = cluster;
        this.ssh = ssh;
        this.clock = clock;
    }

    /** True while a recovery runs. */
    public boolean isRunning() {
        return running.get();
    }

    /**
     * The plan for recovering {@code nodeId}, after the same checks as a real recovery and a
     * read-only probe of the primary (SQL) and the node's data directory (SSH). Changes nothing.
     */
    public RecoveryPlan plan(int nodeId) throws RecoveryException {
        return plan(nodeId, Cancellation.none());
    }

    private RecoveryPlan plan(int nodeId, Cancellation cancellation) throws RecoveryException {
        PgpoolConfig config = cluster.config();
        BackendDefinition target = check(config, nodeId);
        BackendDefinition source = source(config, nodeId);
        RecoverySettings settings = RecoverySettings.from(config, target, source);
        boolean builtIn = settings.firstStage().isEmpty();
        RecoveryFacts facts = RecoveryProbe.probe(settings, ssh, builtIn && !"basebackup".equals(settings.method()),
                cancellation);
        return RecoveryPlanner.plan(settings, facts, clock.instant());
    }

    /**
     * Recovers {@code nodeId} and attaches it; returns the plan that ran. On failure the node
     * stays detached and the exception says which step failed, with its exit status and last
     * output lines, and where the node's previous data directory is.
     */
    public RecoveryPlan recover(int nodeId, RecoveryListener listener, Cancellation cancellation) throws RecoveryException {
        if (!running.compareAndSet(false, true)) {
            throw RecoveryException.alreadyRunning();
        }
        try {
            RecoveryPlan plan;
            try {
                plan = plan(nodeId, cancellation);
            } catch (RecoveryException e) {
                cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_FAILED, nodeId, e.getMessage(), e.detail()));
                throw e;
            }
            cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_STARTED, nodeId,
                    "online recovery of node " + nodeId + " started (" + plan.method().text() + ")", plan.render()));
            log.info("online recovery of node {} started:\n{}", nodeId, plan.render());
            try {
                new RecoveryExecutor(nodeId, cluster, ssh, listener, cancellation).run(plan);
            } catch (RecoveryException e) {
                cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_FAILED, nodeId, e.getMessage(), e.detail()));
                log.warn("{}\n{}", e.getMessage(), e.detail());
                throw e;
            }
            cluster.event(new RecoveryEvent(RecoveryEvent.Kind.RECOVERY_SUCCEEDED, nodeId,
                    "node " + nodeId + " recovered and attached", ""));
            return plan;
        } finally {
            running.set(false);
        }
    }

    /** pgpool-II's preconditions, with its messages (spec 3.2). */
    private BackendDefinition check(PgpoolConfig config, int nodeId) throws RecoveryException {
        Optional<BackendDefinition> target = config.backends().stream().filter(b -> b.id() == nodeId).findFirst();
        if (nodeId < 0 || nodeId >= 128) {
            throw RecoveryException.refused("process recovery request failed", "node id " + nodeId + " is not valid");
        }
        ClusteringMode mode = ClusteringMode.fromConfigName(config.getString("backend_clustering_mode"))
                .orElse(ClusteringMode.STREAMING_REPLICATION);
        if (mode != ClusteringMode.STREAMING_REPLICATION && mode != ClusteringMode.NATIVE_REPLICATION
                && mode != ClusteringMode.SNAPSHOT_ISOLATION) {
            throw RecoveryException.refused("process recovery request failed",
                    "recovery request is only allowed in replication and streaming replication modes.");
        }
        OptionalInt primary = cluster.primaryNodeId();
        if (mode == ClusteringMode.STREAMING_REPLICATION && primary.isPresent() && primary.getAsInt() == nodeId) {
            throw RecoveryException.refused("process recovery request failed",
                    "primary server cannot be recovered by online recovery.");
        }
        if (target.isEmpty()) {
            throw RecoveryException.refused("node recovery failed, node id: " + nodeId + " is unused",
                    "add a backend_hostname" + nodeId + " block to pgpool.conf and reload first");
        }
        NodeStatus status = cluster.status(nodeId);
        if (status == NodeStatus.UP || status == NodeStatus.WAITING) {
            throw RecoveryException.refused("node recovery failed, node id: " + nodeId + " is alive",
                    "detach it first (pcp_detach_node -n " + nodeId + ")");
        }
        return target.get();
    }

    private BackendDefinition source(PgpoolConfig config, int nodeId) throws RecoveryException {
        OptionalInt primary = cluster.primaryNodeId();
        if (primary.isEmpty()) {
            throw RecoveryException.refused("node recovery failed: there is no primary node to recover node " + nodeId + " from",
                    "wait until a primary is up (pcp_node_info) and retry");
        }
        return config.backends().stream().filter(b -> b.id() == primary.getAsInt()).findFirst()
                .orElseThrow(() -> RecoveryException.refused("node recovery failed: primary node " + primary.getAsInt()
                        + " is not configured", ""));
    }

    @Override
    public void close() {
        ssh.close();
    }
}
