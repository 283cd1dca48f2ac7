/**
 * The backend nodes and the single owner of their state (DESIGN.md "Cluster state has one owner").
 *
 * <h2>How the pieces fit</h2>
 * <ul>
 *   <li>{@link io.tidepool.cluster.ClusterCoordinator} owns node status, roles and the primary. One thread
 *       ({@code tidepool-cluster}) changes them, in request order; each change publishes an immutable
 *       {@link io.tidepool.cluster.ClusterSnapshot} (read lock-free through {@code snapshot()}) and a
 *       {@link io.tidepool.cluster.ClusterEvent}, which goes into the bounded
 *       {@link io.tidepool.cluster.EventJournal}, the log, and every {@link io.tidepool.cluster.ClusterListener}.
 *       {@code pgpool_status} ({@link io.tidepool.cluster.StatusFile}) is rewritten on every status change.</li>
 *   <li>{@code HealthChecker} and {@code ReplicationDelayChecker} probe the backends with short-lived pgJDBC
 *       connections on a bounded scheduler ({@code tidepool-cluster-io}) and hand their findings to the owner.</li>
 *   <li>{@code FailoverCoordinator} runs failover, failback, switchover and follow-primary on the owner thread:
 *       {@code failover_command} / {@code failback_command} / {@code follow_primary_command} with pgpool-II's
 *       placeholders ({@link io.tidepool.cluster.CommandTemplate}), or, with Tidepool's {@code builtin_failover},
 *       {@code BuiltinFailover}'s SQL ({@code pg_promote()}, {@code ALTER SYSTEM SET primary_conninfo}).</li>
 * </ul>
 *
 * <h2>For sessions</h2>
 * Read {@code snapshot()} when a decision is due (a new session, a statement boundary); subscribe for
 * events and hand them to the session's event loop; report a backend connection that failed with
 * {@code reportBackendFailure} (never blocks). Nothing in this package runs on, or blocks, an event loop.
 *
 * <h2>Decisions where Tidepool differs from pgpool-II</h2>
 * <ul>
 *   <li>A node is {@code waiting} until Tidepool has reached it once (startup probe or health check), then
 *       {@code up}; pgpool-II switches when a child first connects.</li>
 *   <li>Commands have a time limit ({@link io.tidepool.cluster.ClusterSettings#DEFAULT_COMMAND_TIMEOUT}); a hung
 *       script is killed and reported instead of freezing every later failover.</li>
 *   <li>The built-in failover promotes the standby that has received the most WAL, asked at failover time, and a
 *       built-in switchover first makes the old primary read-only and waits until the target has replayed its last
 *       WAL, so a planned switchover loses no committed transaction. With {@code builtin_failover} on,
 *       {@code pcp_promote_node} without {@code -s} also really promotes (pgpool-II only changes its own view).</li>
 *   <li>Health-check statistics report an average retry count of 0 before the first check (pgpool-II prints nan).</li>
 *   <li>Known limit: checks use pgJDBC, which has no Unix-socket transport; a backend configured by socket
 *       directory is checked at {@code localhost} on its port.</li>
 * </ul>
 */
package io.tidepool.cluster;
