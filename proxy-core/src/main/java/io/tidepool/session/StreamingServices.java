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
    private final ClusterViewSource cluster;
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
        this.admin = new AdminAnswers(cluster, counters, config, this::sessionInfos, slots);
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
