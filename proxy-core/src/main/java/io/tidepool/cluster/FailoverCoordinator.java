package io.tidepool.cluster;

import io.tidepool.config.BackendDefinition;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Failover, failback, switchover and follow-primary, in pgpool-II's order (spec 3.1), run on the
 * cluster owner's thread so that two of them never interleave:
 * <ol>
 *   <li>the failed nodes are marked down at once (sessions stop choosing them with the next snapshot);</li>
 *   <li>{@code failover_command} runs for each of them, or, when none is set and
 *       {@code builtin_failover} is on and the primary failed, Tidepool promotes the best standby itself;</li>
 *   <li>the new primary is searched for ({@code pg_is_in_recovery()}, up to
 *       {@code search_primary_node_timeout});</li>
 *   <li>when the primary changed: with {@code follow_primary_command}, every other node is marked down
 *       and the command runs once per down node; with the built-in mode, every other standby is
 *       re-pointed over SQL and stays in service.</li>
 * </ol>
 * Commands run with {@code /bin/sh -c} and a time limit; their exit status and output become events.
 */
final class FailoverCoordinator {

    /** How long a re-pointed standby has to start streaming from the new primary. */
    static final Duration FOLLOW_TIMEOUT = Duration.ofSeconds(30);
    /** How long the new primary has, in a switchover, to replay what the old one wrote last. */
    static final Duration SWITCHOVER_CATCH_UP = Duration.ofSeconds(60);

    private final ClusterCoordinator cluster;

    FailoverCoordinator(ClusterCoordinator cluster) {
        this.cluster = cluster;
    }

    /**
     * Detaches {@code nodeIds} and deals with the consequences.
     *
     * @param promoteTarget for a switchover, the node that is to become primary ({@code %m})
     */
    void failover(List<Integer> nodeIds, String reason, OptionalInt promoteTarget) {
        cluster.assertOwner();
        ClusterSnapshot before = cluster.snapshot();
        ClusterSettings settings = cluster.settings();
        List<Integer> failing = new ArrayList<>();
        for (int id : nodeIds) {
            if (before.node(id).map(NodeSnapshot::isUp).orElse(false)) {
                failing.add(id);
            }
        }
        if (failing.isEmpty()) {
            return;
        }
        int oldMain = ClusterCoordinator.mainNode(before.nodes()).orElse(-1);
        OptionalInt oldPrimary = before.primaryId();
        boolean primaryFailed = settings.mode().hasPrimary() && oldPrimary.isPresent()
                && failing.contains(oldPrimary.getAsInt());

        for (int id : failing) {
            cluster.setStatus(id, NodeStatus.DOWN, ClusterEvent.Kind.NODE_DOWN, "node " + id + " detached: " + reason);
        }

        ClusterSnapshot afterDown = cluster.snapshot();
        OptionalInt newMain = promoteTarget.isPresent() ? promoteTarget : ClusterCoordinator.mainNode(afterDown.nodes());
        if (!settings.failoverCommand().isEmpty()) {
            for (int id : failing) {
                runCommand(ClusterEvent.Kind.FAILOVER_COMMAND, "failover_command", settings.failoverCommand(),
                        new CommandTemplate.Arguments(node(before, id), node(afterDown, newMain), oldMain,
                                oldPrimary.isPresent() ? node(before, oldPrimary.getAsInt()) : null), id);
            }
        } else if (primaryFailed && settings.builtinFailover()) {
            builtinPromote(promoteTarget);
        }

        if (!primaryFailed) {
            return;
        }
        int old = oldPrimary.getAsInt();
        OptionalInt newPrimary = cluster.detectRoles(Duration.ZERO);
        if (newPrimary.isEmpty()) {
            // a failover_command's promotion may still be under way: look again every second, with
            // the owner thread free for other requests meanwhile
            cluster.searchPrimaryInBackground("no new primary yet after the failover of node " + old, found -> {
                if (found != old) {
                    followPrimary(found, old, false);
                }
            });
            return;
        }
        if (newPrimary.getAsInt() != old) {
            followPrimary(newPrimary.getAsInt(), old, false);
        }
    }

    /** Built-in promotion of the requested standby, or of the best one. */
    private void builtinPromote(OptionalInt requested) {
        ClusterSnapshot current = cluster.snapshot();
        BuiltinFailover builtin = new BuiltinFailover(cluster.sql());
        List<NodeSnapshot> candidates = current.nodes().stream().filter(NodeSnapshot::isUp)
                .filter(n -> requested.isEmpty() || n.id() == requested.getAsInt())
                .filter(n -> cluster.settings().backend(n.id()).isPresent())
                .toList();
        NodeSnapshot chosen = builtin.bestStandby(candidates, cluster.blockingExecutor()).orElse(null);
        if (chosen == null) {
            cluster.emit(ClusterEvent.Kind.PROMOTION_FAILED, requested, "no standby can be promoted: none answers as a"
                    + " standby", "");
            return;
        }
        long start = System.nanoTime();
        try {
            builtin.promote(chosen);
            cluster.emit(ClusterEvent.Kind.NODE_PROMOTED, OptionalInt.of(chosen.id()), "node " + chosen.id()
                    + " promoted with pg_promote() in " + (System.nanoTime() - start) / 1_000_000 + " ms"
                    + (requested.isPresent() ? "" : " (the standby with the most WAL received)"), "");
            // pg_promote(wait => true) returned true: the node takes writes now. Sessions may use it at
            // once; the search for the primary that follows confirms it without keeping writes waiting.
            cluster.setPrimary(OptionalInt.of(chosen.id()));
        } catch (SQLException e) {
            cluster.emit(ClusterEvent.Kind.PROMOTION_FAILED, OptionalInt.of(chosen.id()), "promoting node "
                    + chosen.id() + " failed", HealthChecker.describe(e));
        }
    }

    /**
     * After a new primary appeared: with a follow_primary_command, every other node is detached and
     * the command runs for each detached node (pgpool-II's way; the scripts attach them again);
     * with the built-in mode, the standbys are re-pointed and stay attached.
     *
     * @param always also detach the others when no command is set (pgpool-II does so for pcp_promote_node)
     */
    void followPrimary(int newPrimaryId, int oldPrimaryId, boolean always) {
        ClusterSettings settings = cluster.settings();
        ClusterSnapshot current = cluster.snapshot();
        if (!settings.followPrimaryCommand().isEmpty() || always) {
            for (NodeSnapshot n : current.nodes()) {
                if (n.id() != newPrimaryId && n.isUp()) {
                    cluster.setStatus(n.id(), NodeStatus.DOWN, ClusterEvent.Kind.NODE_DOWN, "node " + n.id()
                            + " detached to follow the new primary node " + newPrimaryId);
                }
            }
            if (settings.followPrimaryCommand().isEmpty()) {
                return;
            }
            ClusterSnapshot detached = cluster.snapshot();
            NodeSnapshot oldPrimaryNode = current.node(oldPrimaryId).orElse(null);
            for (NodeSnapshot n : detached.nodes()) {
                if (n.id() == newPrimaryId || n.status() != NodeStatus.DOWN) {
                    continue;
                }
                runCommand(ClusterEvent.Kind.FOLLOW_PRIMARY_COMMAND, "follow_primary_command",
                        settings.followPrimaryCommand(),
                        new CommandTemplate.Arguments(node(detached, n.id()), node(detached, OptionalInt.of(newPrimaryId)),
                                oldPrimaryId, oldPrimaryNode == null ? null : node(current, oldPrimaryId)), n.id());
            }
            return;
        }
        if (!settings.builtinFailover()) {
            return;
        }
        BuiltinFailover builtin = new BuiltinFailover(cluster.sql());
        NodeSnapshot primary = current.nodes().get(newPrimaryId);
        List<NodeSnapshot> repointed = new ArrayList<>();
        for (NodeSnapshot n : current.nodes()) {
            if (n.id() == newPrimaryId || !n.isUp()) {
                continue;
            }
            try {
                String conninfo = builtin.follow(n, primary);
                repointed.add(n);
                cluster.emit(ClusterEvent.Kind.NODE_FOLLOWED, OptionalInt.of(n.id()), "node " + n.id()
                        + " re-pointed at the new primary node " + newPrimaryId, "primary_conninfo: " + conninfo);
            } catch (SQLException e) {
                cluster.setStatus(n.id(), NodeStatus.DOWN, ClusterEvent.Kind.NODE_DOWN, "node " + n.id()
                        + " detached: it could not be re-pointed at the new primary node " + newPrimaryId + " ("
                        + HealthChecker.describe(e) + ")");
            }
        }
        long deadline = System.nanoTime() + FOLLOW_TIMEOUT.toNanos();
        for (NodeSnapshot n : repointed) {
            boolean streaming = false;
            while (!streaming && System.nanoTime() < deadline && !cluster.isClosed()) {
                streaming = builtin.isStreamingFrom(n, primary);
                if (!streaming) {
                    sleep(200);
                }
            }
            if (streaming) {
                cluster.emit(ClusterEvent.Kind.NODE_FOLLOWED, OptionalInt.of(n.id()), "node " + n.id()
                        + " streams from the new primary node " + newPrimaryId, "");
            } else {
                cluster.emit(ClusterEvent.Kind.NOTICE, OptionalInt.of(n.id()), "node " + n.id()
                        + " does not stream from the new primary after " + FOLLOW_TIMEOUT.toSeconds()
                        + " s; it may need pg_rewind (see its server log)", "");
            }
        }
    }

    /** Attaches a node again and runs failback_command (pcp_attach_node, auto_failback). */
    void failback(int nodeId, String reason) {
        cluster.assertOwner();
        ClusterSnapshot before = cluster.snapshot();
        ClusterSettings settings = cluster.settings();
        NodeSnapshot node = before.nodes().get(nodeId);
        if (node.isUp()) {
            cluster.emit(ClusterEvent.Kind.NOTICE, OptionalInt.of(nodeId), "node " + nodeId
                    + " is already attached", "");
            return;
        }
        int oldMain = ClusterCoordinator.mainNode(before.nodes()).orElse(-1);
        cluster.setStatus(nodeId, NodeStatus.UP, ClusterEvent.Kind.NODE_ATTACHED, "node " + nodeId + " attached: "
                + reason);
        if (settings.mode().hasPrimary()) {
            // The attached node may be a primary (the first node back after all were down) or a false one.
            Optional<Boolean> inRecovery = cluster.probeRecovery(List.of(cluster.snapshot().nodes().get(nodeId)))
                    .getOrDefault(nodeId, Optional.empty());
            if (inRecovery.isPresent()) {
                // it answered: pg_status and pg_role say so now, not what the last failed check found
                cluster.publish(nodes -> {
                    nodes.set(nodeId, ClusterCoordinator.answered(nodes.get(nodeId), settings, inRecovery.get()));
                    return nodes;
                }, cluster.snapshot().primaryId());
            }
            if (inRecovery.equals(Optional.of(false))) {
                if (cluster.snapshot().primaryId().isEmpty()) {
                    cluster.setPrimary(OptionalInt.of(nodeId));
                } else {
                    cluster.emit(ClusterEvent.Kind.FALSE_PRIMARY, OptionalInt.of(nodeId), "attached node " + nodeId
                            + " is not in recovery although node " + cluster.snapshot().primaryId().getAsInt()
                            + " is the primary", "");
                }
            }
        }
        if (!settings.failbackCommand().isEmpty()) {
            ClusterSnapshot after = cluster.snapshot();
            runCommand(ClusterEvent.Kind.FAILBACK_COMMAND, "failback_command", settings.failbackCommand(),
                    new CommandTemplate.Arguments(node(after, nodeId), node(after, ClusterCoordinator.mainNode(after.nodes())),
                            oldMain, after.primaryId().isPresent() ? node(after, after.primaryId().getAsInt()) : null),
                    nodeId);
        }
    }

    /**
     * pcp_promote_node. A switchover, or any promote with the built-in mode: the old primary stops
     * taking writes (built-in: read-only, sessions ended, the target catches up first), is detached,
     * and the target is promoted (by failover_command, or pg_promote() built in). Without either,
     * pgpool-II's meaning: only the proxy's view changes and the other nodes are detached for
     * follow_primary_command.
     */
    void promote(int nodeId, boolean switchover) {
        cluster.assertOwner();
        ClusterSettings settings = cluster.settings();
        ClusterSnapshot before = cluster.snapshot();
        if (!before.node(nodeId).map(NodeSnapshot::isUp).orElse(false)) {
            cluster.emit(ClusterEvent.Kind.NOTICE, OptionalInt.of(nodeId), "promote of node " + nodeId
                    + " ignored: it is not attached", "");
            return;
        }
        OptionalInt oldPrimary = before.primaryId();
        boolean builtin = settings.builtinFailover() && settings.failoverCommand().isEmpty();
        if (!switchover && !builtin) {
            cluster.setPrimary(OptionalInt.of(nodeId));
            followPrimary(nodeId, oldPrimary.orElse(-1), true);
            return;
        }
        if (oldPrimary.isEmpty()) {
            if (builtin) {
                builtinPromote(OptionalInt.of(nodeId));
                OptionalInt found = cluster.detectRoles(settings.searchPrimaryNodeTimeout());
                if (found.isPresent()) {
                    followPrimary(found.getAsInt(), -1, false);
                }
            }
            return;
        }
        if (builtin) {
            NodeSnapshot old = before.nodes().get(oldPrimary.getAsInt());
            BuiltinFailover sql = new BuiltinFailover(cluster.sql());
            try {
                long lsn = sql.makeReadOnly(old);
                boolean caughtUp = sql.awaitReplay(before.nodes().get(nodeId), lsn, SWITCHOVER_CATCH_UP);
                cluster.emit(ClusterEvent.Kind.NOTICE, OptionalInt.of(old.id()), "switchover: node " + old.id()
                        + " is read-only (default_transaction_read_only set with ALTER SYSTEM) and its sessions ended; node "
                        + nodeId + (caughtUp ? " has replayed all its WAL" : " did not replay all its WAL within "
                        + SWITCHOVER_CATCH_UP.toSeconds() + " s"), "");
            } catch (SQLException e) {
                cluster.emit(ClusterEvent.Kind.NOTICE, OptionalInt.of(old.id()), "switchover: could not make node "
                        + old.id() + " read-only; promoting node " + nodeId + " anyway", HealthChecker.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        failover(List.of(oldPrimary.getAsInt()), "switchover to node " + nodeId + " (pcp_promote_node)",
                OptionalInt.of(nodeId));
    }

    private void runCommand(ClusterEvent.Kind kind, String name, String template, CommandTemplate.Arguments args,
                            int nodeId) {
        String command = CommandTemplate.expand(template, args);
        ShellCommand.Result result = ShellCommand.run(command, cluster.settings().commandTimeout());
        cluster.emit(kind, OptionalInt.of(nodeId), name + " for node " + nodeId + (result.succeeded() ? " succeeded"
                : " failed"), "command: " + command + "\n" + result.describe(), !result.succeeded());
    }

    private CommandTemplate.Node node(ClusterSnapshot snapshot, OptionalInt id) {
        return id.isPresent() ? node(snapshot, id.getAsInt()) : null;
    }

    private CommandTemplate.Node node(ClusterSnapshot snapshot, int id) {
        NodeSnapshot n = snapshot.nodes().get(id);
        String dataDirectory = cluster.settings().backend(id).map(BackendDefinition::dataDirectory).orElse("");
        return new CommandTemplate.Node(n.id(), n.hostname(), n.port(), dataDirectory);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
