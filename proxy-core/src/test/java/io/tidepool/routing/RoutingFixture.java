package io.tidepool.routing;

import java.util.Map;
import java.util.SplittableRandom;

/** A three-node cluster, a router and one session, driven like the session layer will drive them. */
final class RoutingFixture {
    static final StatementClassifier CLASSIFIER = new StatementClassifier(1_000);

    ClusterView cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1), NodeView.standby(2, 1));
    RoutingSettings settings;
    Router router;
    SessionRoutingState session;

    RoutingFixture(RoutingSettings settings) {
        this(settings, Map.of("random", FunctionVolatility.VOLATILE, "my_writer", FunctionVolatility.VOLATILE,
                "now", FunctionVolatility.STABLE, "count", FunctionVolatility.IMMUTABLE,
                "lower", FunctionVolatility.IMMUTABLE));
    }

    RoutingFixture(RoutingSettings settings, Map<String, FunctionVolatility> volatility) {
        this(settings, FunctionVolatilityLookup.fixed(volatility), RelationPersistenceLookup.ALL_PERMANENT);
    }

    RoutingFixture(RoutingSettings settings, FunctionVolatilityLookup functions, RelationPersistenceLookup relations) {
        this.settings = settings;
        SplittableRandom random = new SplittableRandom(20261121L);
        this.router = new Router(settings, functions, relations, () -> random);
        this.session = SessionRoutingState.start("app", "alice", "psql");
    }

    static RoutingFixture defaults() {
        return new RoutingFixture(RoutingSettings.builder().checkTempTable(RoutingSettings.TempTableCheck.TRACE).build());
    }

    /** Classifies, routes and applies the statement to the session; returns the decision. */
    RoutingDecision run(String sql) {
        StatementClassification c = CLASSIFIER.classify(sql);
        RoutingDecision d = router.route(c, session, cluster);
        session = router.afterStatement(session, c, d);
        return d;
    }

    /** Routes without changing the session (what EXPLAIN ROUTING does). */
    RoutingDecision peek(String sql) {
        return router.route(CLASSIFIER.classify(sql), session, cluster);
    }

    void readyForQuery(char status) {
        session = session.onReadyForQuery(TransactionStatus.fromCode(status));
    }

    /** Pins the session's load-balance node, as if chosen at session start. */
    RoutingFixture balancedTo(int node) {
        session = session.withLoadBalanceNode(node, "test");
        return this;
    }
}
