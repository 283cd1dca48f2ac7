package io.tidepool.session;

import io.tidepool.admin.pcp.ProcessInfo;
import io.tidepool.admin.pcp.ProcessInfo.PooledConnection;
import io.tidepool.backend.BackendPool.IdleConnection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The proxy's serving slots as pgpool-II lists its children: {@code num_init_children} of them in
 * SHOW pool_processes, pcp_proc_count and pcp_proc_info, each with {@code max_pool} pool slots of
 * one connection per node in SHOW pool_pools. Monitoring written for pgpool-II counts these rows
 * (free slots, "Total Processes"), so an idle proxy lists all of its slots, not none.
 *
 * <p>Tidepool has no process per slot. A served session fills a slot under its id, with its
 * connections in pool slot 0 (a node it has not needed yet shows as an empty row). Connections
 * waiting in the pool ({@code connection_cache}) fill the first free place for their node in the
 * idle slots, which have id 0, the pool_pid SHOW pool_processes has always shown for them. Should
 * the pool hold more than the idle slots have room for, more idle slots follow: nothing is hidden.
 */
public final class ServingSlots {
    private static final String WAITING = "Wait for connection";

    private ServingSlots() {
    }

    /**
     * @param sessions  the sessions served now, in the order to list them
     * @param idle      connections waiting in the pool
     * @param slots     num_init_children
     * @param maxPool   max_pool (at least 1 is used)
     * @param nodes     the configured node ids, in order
     * @param idleSince start time shown for idle slots (when the proxy started)
     */
    public static List<ProcessInfo> of(List<SessionInfo> sessions, List<IdleConnection> idle, int slots, int maxPool,
                                       List<Integer> nodes, Instant idleSince) {
        int pools = Math.max(1, maxPool);
        List<ProcessInfo> all = new ArrayList<>();
        for (SessionInfo s : sessions) {
            all.add(served(s, pools, nodes));
        }
        List<PooledConnection[]> idleSlots = new ArrayList<>();
        for (int i = sessions.size(); i < slots; i++) {
            idleSlots.add(new PooledConnection[pools * nodes.size()]);
        }
        for (IdleConnection c : idle) {
            int column = nodes.indexOf(c.node());
            if (column >= 0) {
                place(idleSlots, c, column, pools, nodes.size());
            }
        }
        for (PooledConnection[] places : idleSlots) {
            List<PooledConnection> connections = new ArrayList<>(places.length);
            for (int i = 0; i < places.length; i++) {
                connections.add(places[i] != null ? places[i]
                        : PooledConnection.unused(i / nodes.size(), nodes.get(i % nodes.size())));
            }
            all.add(new ProcessInfo(0, idleSince, 0, WAITING, connections));
        }
        return all;
    }

    /** Puts {@code c} into the first idle slot with a free pool slot towards its node, adding a slot if none has. */
    private static void place(List<PooledConnection[]> idleSlots, IdleConnection c, int column, int pools,
                              int nodeCount) {
        for (PooledConnection[] places : idleSlots) {
            for (int pool = 0; pool < pools; pool++) {
                int at = pool * nodeCount + column;
                if (places[at] == null) {
                    places[at] = parked(c, pool);
                    return;
                }
            }
        }
        PooledConnection[] extra = new PooledConnection[pools * nodeCount];
        extra[column] = parked(c, 0);
        idleSlots.add(extra);
    }

    /** A session's slot: pool slot 0 towards every node, connected or not yet; the other pool slots empty. */
    private static ProcessInfo served(SessionInfo s, int pools, List<Integer> nodes) {
        List<PooledConnection> connections = new ArrayList<>(pools * nodes.size());
        for (int node : nodes) {
            Integer pid = s.backendPids().get(node);
            connections.add(pid == null
                    ? new PooledConnection(0, node, "", "", Optional.empty(), Optional.of(s.started()), Optional.empty(),
                            0, 0, 0, 0, 0, false, false, s.clientHost(), s.clientPort(), "")
                    : new PooledConnection(0, node, s.database(), s.user(), Optional.of(s.started()),
                            Optional.of(s.started()), Optional.empty(), 0, 3, 0, 1, pid, true,
                            node == s.loadBalanceNode(), s.clientHost(), s.clientPort(), s.lastStatement()));
        }
        for (int pool = 1; pool < pools; pool++) {
            for (int node : nodes) {
                connections.add(PooledConnection.unused(pool, node));
            }
        }
        return new ProcessInfo((int) s.id(), s.started(), 1, s.status(), connections);
    }

    /** A pooled connection no session holds, in pool slot {@code pool}: no client, disconnected when it was parked. */
    private static PooledConnection parked(IdleConnection c, int pool) {
        return new PooledConnection(pool, c.node(), c.database(), c.user(), Optional.of(c.opened()), Optional.empty(),
                Optional.of(c.parkedAt()), 0, 3, 0, c.uses(), c.backendPid(), false, false, "", "", "");
    }
}
