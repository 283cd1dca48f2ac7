/**
 * Online recovery: rebuild a down node as a standby of the primary and put it back into service
 * ({@code pcp_recovery_node}, {@code ./tidepool recover}, the console's Recover).
 *
 * <h2>How it fits</h2>
 * <ol>
 *   <li>{@link io.tidepool.recovery.OnlineRecovery} checks the request as pgpool-II does (spec
 *       3.2: valid id, mode, not the primary, configured, down, one at a time);</li>
 *   <li>{@link io.tidepool.recovery.RecoverySettings} reads pgpool.conf / tidepool.conf
 *       ({@code recovery_*}, {@code ssh_*}, {@code pg_bin_dir});</li>
 *   <li>a read-only probe (SQL on the primary, {@code pg_controldata} of the node over SSH) gives
 *       {@link io.tidepool.recovery.RecoveryFacts};</li>
 *   <li>{@link io.tidepool.recovery.RecoveryPlanner} (pure) decides and returns a
 *       {@link io.tidepool.recovery.RecoveryPlan}: every SSH command and SQL statement in order,
 *       where it runs, its limit, what undoes it. {@link io.tidepool.recovery.RecoveryPlan#render()}
 *       is the dry run; the same plan is what runs;</li>
 *   <li>the executor runs the steps, streams output to a {@link io.tidepool.recovery.RecoveryListener}
 *       and {@link io.tidepool.recovery.RecoveryEvent}s to the journal; a failure is a
 *       {@link io.tidepool.recovery.RecoveryException} naming the step, where it ran, its exit
 *       status and last lines, and where the node's previous data directory is.</li>
 * </ol>
 *
 * <h2>Methods</h2>
 * Built-in (streaming replication): pg_rewind when the node's directory allows it (then
 * pg_basebackup if rewinding fails), else pg_basebackup into the moved-aside directory's place;
 * the node keeps its own *.conf files and gets {@code port}, {@code primary_conninfo} (and
 * {@code primary_slot_name} with {@code recovery_replication_slot}) and {@code standby.signal};
 * started with pg_ctl; attached once the primary's {@code pg_stat_replication} shows it streaming.
 * Scripts: with {@code recovery_1st_stage_command} set, pgpool-II's sequence through the
 * {@code pgpool_recovery} extension or over SSH with the same arguments (spec 3.3), then
 * {@code pgpool_remote_start}; {@code assets/scripts} holds our own scripts for that. In native
 * replication the second stage runs while the engine's proxy holds new client sessions and waits
 * for the served ones to end; {@code client_idle_limit_in_recovery} ends idle ones (at once when
 * {@code -1}), {@code recovery_timeout} bounds the wait.
 *
 * <h2>Events</h2>
 * Each recovery reports {@code RECOVERY_STARTED} (the plan in the detail), one
 * {@code RECOVERY_STEP} per step (its last output lines in the detail), then
 * {@code RECOVERY_FINISHED} or {@code RECOVERY_FAILED}: the cluster owner's journal kinds, so the
 * console and every listener tell them from failover events.
 *
 * <h2>Who provides the cluster</h2>
 * {@link io.tidepool.recovery.RecoveryCluster}: {@link io.tidepool.recovery.CoordinatorRecoveryCluster}
 * in the engine (status, primary and attach from the cluster owner), and
 * {@link io.tidepool.recovery.StandaloneRecoveryCluster} for the command line.
 */
package io.tidepool.recovery;
