package io.tidepool.recovery;

import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.PgpoolConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The proxy's side of a recovery, kept in memory for tests: a configuration that tests replace
 * (a reload), node statuses, the primary, and the journal. Attaching sets a node up.
 */
final class TestRecoveryCluster implements RecoveryCluster {

    private volatile PgpoolConfig config;
    private volatile OptionalInt primary;
    private final Map<Integer, NodeStatus> statuses = new ConcurrentHashMap<>();
    final List<RecoveryEvent> events = new CopyOnWriteArrayList<>();

    TestRecoveryCluster(PgpoolConfig config, int primary) {
        this.config = config;
        this.primary = OptionalInt.of(primary);
        config.backends().forEach(b -> statuses.put(b.id(), NodeStatus.UP));
    }

    /** A reload: nodes new in {@code newConfig} are registered as down. */
    void reload(PgpoolConfig newConfig) {
        this.config = newConfig;
        newConfig.backends().forEach(b -> statuses.putIfAbsent(b.id(), NodeStatus.DOWN));
    }

    void primary(int id) {
        this.primary = OptionalInt.of(id);
    }

    void status(int id, NodeStatus status) {
        statuses.put(id, status);
    }

    @Override
    public PgpoolConfig config() {
        return config;
    }

    @Override
    public OptionalInt primaryNodeId() {
        return primary;
    }

    @Override
    public NodeStatus status(int nodeId) {
        return statuses.getOrDefault(nodeId, NodeStatus.UNUSED);
    }

    @Override
    public void attach(int nodeId, Duration timeout) {
        statuses.put(nodeId, NodeStatus.UP);
    }

    @Override
    public void event(RecoveryEvent event) {
        events.add(event);
    }

    List<RecoveryEvent.Kind> kinds() {
        return events.stream().map(RecoveryEvent::kind).toList();
    }
}
