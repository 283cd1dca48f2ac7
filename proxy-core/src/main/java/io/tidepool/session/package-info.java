/**
 * Streaming-replication (and logical-replication) sessions: one client, several backends, and
 * the per-statement flow between them. {@link io.tidepool.frontend.ClientSession} does the
 * startup and authentication (the AUTH engineer's step) and then hands an authenticated session
 * to {@link io.tidepool.session.MultiNodeSession}.
 *
 * <h2>Classes, each one job</h2>
 * <ul>
 *   <li>{@link io.tidepool.session.MultiNodeSession}: one handler per client message type, chosen
 *       by one {@code switch}; routes at Query and Parse (and again at Bind of a named statement),
 *       opens nodes lazily, answers admin commands.</li>
 *   <li>{@code NodeLink}: one backend connection of the session: login of a further node with the
 *       client's startup packet ({@link io.tidepool.session.BackendLogin}), bytes queued while it
 *       logs in, the node's queue of expected responses.</li>
 *   <li>{@code ResponseQueue} + {@code ExpectedResponse}: DESIGN hard part 1, answers back in
 *       request order, one ReadyForQuery per Sync, the error-until-Sync rule across nodes, a lost
 *       node's answers replaced by an ErrorResponse.</li>
 *   <li>{@code PreparedStatements}: hard part 3, statements kept per name with their Parse, replayed
 *       where a Bind needs them; {@code SessionStateLog}: hard part 2, SETs and the open
 *       transaction's BEGIN replayed on a node opened later.</li>
 *   <li>{@link io.tidepool.session.AdminCommand} / {@link io.tidepool.session.AdminAnswers}: SHOW
 *       pool_*, PGPOOL SHOW/SET/RESET, PGPOOL EXPLAIN ROUTING, in simple and extended protocol.</li>
 *   <li>{@link io.tidepool.session.StreamingServices}: what the sessions of a server share
 *       (router, classifier, {@link io.tidepool.session.ClusterViewSource}, counters, the backend
 *       pool, the registry behind SHOW pool_processes / pool_pools).</li>
 * </ul>
 *
 * <h2>Per statement</h2>
 * <pre>
 *  Query / Parse ─▶ admin command? ─yes─▶ answer in turn (ResponseQueue.answer)
 *        │ no
 *        ▼
 *  classify ─▶ Router.route(state, view) ─▶ open the chosen nodes (replay state) ─▶ send,
 *  one ExpectedResponse per node (the main node's answer is the one the client sees)
 *        ▼
 *  Sync ─▶ a Sync for every node that got messages since its last one; one ReadyForQuery out
 *  ReadyForQuery seen ─▶ SessionRoutingState.onReadyForQuery (transaction state from the server)
 * </pre>
 *
 * <p>Cluster changes (hard part 7) are read from the {@code ClusterViewSource} at each statement
 * boundary, never mid-message. A standby that fails costs the requests it owed an ErrorResponse
 * (08006 or 57P01) and the session goes on without it; losing the main node ends the session.
 *
 * <p>Everything here but {@link io.tidepool.session.MultiNodeSession#info()} and the shared
 * services runs on the client's event loop; nothing is locked.
 */
package io.tidepool.session;
