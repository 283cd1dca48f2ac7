package io.tidepool.session;

import io.tidepool.routing.Router;
import io.tidepool.routing.StatementClassifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the streaming-replication sessions of one server share: routing, the cluster view, the
 * statement counters, the admin answers and the registry of served sessions. Thread-safe.
 */
public final class StreamingServices {
    private final Router router;
    private final StatementClassifier classifier;
    private volatile ClusterViewSource cluster;
    private volatile java.util.function.IntFunction<io.tidepool.cluster.HealthCheckStatistics> healthChecks;
    private final StatementCounters counters;
    private final Set<MultiNodeSession> sessions = ConcurrentHashMap.newKeySet();
    private final AdminAnswers admin;
    private final io.tidepool.backend.BackendPool pool;

    public StreamingServices(Router router, StatementClassifier classifier, ClusterViewSource cluster,
                             StatementCounters counters, java.util.Optional<io.tidepool.config.PgpoolConfig> config,
                             int slots, io.tidepool.backend.BackendPool pool) {
        this.pool = pool;
        this.router = router;
        this.classifier = classifier;
        this.cluster = cluster;
        this.counters = counters;
        this.admin = new AdminAnswers(this::cluster, this::healthChecks, counters, config, this::sessionInfos, pool::idle,
                slots);
    }

    public Router router() {
        return router;
    }

    public StatementClassifier classifier() {
        return classifier;
    }

    public ClusterViewSource cluster() {
        return cluster;
    }

    /**
     * From now on sessions read the cluster owner's snapshots (at their next statement boundary),
     * and SHOW pool_nodes / pool_health_check_stats / pool_backend_stats print its rows.
     */
    public void followCluster(SnapshotClusterView view,
                              java.util.function.IntFunction<io.tidepool.cluster.HealthCheckStatistics> health) {
        this.healthChecks = health;
        this.cluster = view;
    }

    java.util.Optional<java.util.function.IntFunction<io.tidepool.cluster.HealthCheckStatistics>> healthChecks() {
        return java.util.Optional.ofNullable(healthChecks);
    }

    public StatementCounters counters() {
        return counters;
    }

    public io.tidepool.backend.BackendPool pool() {
        return pool;
    }

    public AdminAnswers admin() {
        return admin;
    }

    void started(MultiNodeSession session) {
        sessions.add(session);
    }

    void ended(MultiNodeSession session) {
        sessions.remove(session);
    }

    /** The sessions served now, in no particular order; safe from any thread. */
    public List<SessionInfo> sessionInfos() {
        List<SessionInfo> infos = new ArrayList<>();
        for (MultiNodeSession s : sessions) {
            infos.add(s.info());
        }
        infos.sort(java.util.Comparator.comparingLong(SessionInfo::id));
        return infos;
    }
}
