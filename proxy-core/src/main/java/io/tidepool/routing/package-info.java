/**
 * Routing: which backend node runs each statement, with pgpool-II's streaming-replication
 * semantics, and why.
 *
 * <p>How a session uses it, at each statement boundary (simple Query, or Parse for the extended
 * protocol), all on its event loop:
 * <pre>{@code
 * // once per process (or per reload)
 * StatementClassifier classifier = new StatementClassifier();
 * Router router = new Router(RoutingSettings.fromConfig(config), functionLookup, relationLookup);
 *
 * // per session
 * SessionRoutingState state = SessionRoutingState.start(database, user, applicationName);
 *
 * // per statement
 * StatementClassification c = classifier.classifyWithoutParser(sql)      // or classify() off the loop
 *         .orElseGet(() -> ...);                                          // WITH queries: ~1 ms in JSqlParser
 * RoutingDecision d = router.route(c, state, clusterView);               // d.nodeIds(), d.rule()
 * ... send to d.nodeIds() (SESSION_NODES: every one; NO_NODE: ErrorResponse with d.rule()) ...
 * state = router.afterStatement(state, c, d);
 *
 * // per ReadyForQuery (the primary's status byte)
 * state = state.onReadyForQuery(TransactionStatus.fromCode(status));
 * }</pre>
 *
 * <p>Catalog answers (function volatility, temporary and unlogged tables) come from
 * {@link io.tidepool.routing.FunctionVolatilityLookup} and
 * {@link io.tidepool.routing.RelationPersistenceLookup}, which never block: a statement whose
 * answer is missing goes to the primary and the answer is fetched in the background
 * ({@link io.tidepool.routing.RoutingDecision#pendingFunctions()}). {@code PGPOOL EXPLAIN ROUTING}
 * is {@link io.tidepool.routing.RoutingExplainer}.
 */
package io.tidepool.routing;
