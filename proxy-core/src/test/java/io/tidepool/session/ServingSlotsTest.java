package io.tidepool.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.ProcessInfo;
import io.tidepool.admin.pcp.ProcessInfo.PooledConnection;
import io.tidepool.backend.BackendPool.IdleConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingSlotsTest {

    private static final Instant PROXY_STARTED = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant SESSION_STARTED = Instant.parse("2026-11-22T10:05:00Z");
    private static final List<Integer> THREE_NODES = List.of(0, 1, 2);

    @Test
    void anIdleProxyListsEverySlotAsPgpoolListsItsChildren() {
        List<ProcessInfo> slots = ServingSlots.of(List.of(), List.of(), 32, 4, THREE_NODES, PROXY_STARTED);

        assertThat(slots).hasSize(32).allSatisfy(slot -> {
            assertThat(slot.idle()).isTrue();
            assertThat(slot.status()).isEqualTo("Wait for connection");
            assertThat(slot.startTime()).isEqualTo(PROXY_STARTED);
            assertThat(slot.connections()).hasSize(4 * 3).allSatisfy(c -> assertThat(c.database()).isEmpty());
            // pgpool-II's order: pool slot by pool slot, each with one row per node.
            assertThat(slot.connections().stream().map(c -> c.poolId() + "/" + c.backendId()).toList())
                    .containsExactly("0/0", "0/1", "0/2", "1/0", "1/1", "1/2", "2/0", "2/1", "2/2", "3/0", "3/1", "3/2");
        });
    }

    @Test
    void aSessionFillsASlotWithItsConnectionsInPoolSlotZero() {
        SessionInfo session = new SessionInfo(7, SESSION_STARTED, "127.0.0.1", "40000", "app", "alice", "Idle",
                Map.of(0, 1001, 2, 1003), 2, "select 1");

        List<ProcessInfo> slots = ServingSlots.of(List.of(session), List.of(), 4, 2, THREE_NODES, PROXY_STARTED);

        assertThat(slots).hasSize(4);
        ProcessInfo served = slots.get(0);
        assertThat(served.pid()).isEqualTo(7);
        assertThat(served.idle()).isFalse();
        assertThat(served.status()).isEqualTo("Idle");
        assertThat(served.connections()).hasSize(2 * 3);
        PooledConnection primary = served.connections().get(0);
        assertThat(primary.backendPid()).isEqualTo(1001);
        assertThat(primary.connected()).isTrue();
        assertThat(primary.loadBalanceNode()).isFalse();
        PooledConnection notYetNeeded = served.connections().get(1);
        assertThat(notYetNeeded.backendId()).isEqualTo(1);
        assertThat(notYetNeeded.database()).isEmpty();
        assertThat(notYetNeeded.connected()).isFalse();
        assertThat(notYetNeeded.clientHost()).as("the client is the slot's, whichever node").isEqualTo("127.0.0.1");
        PooledConnection balanced = served.connections().get(2);
        assertThat(balanced.backendPid()).isEqualTo(1003);
        assertThat(balanced.loadBalanceNode()).isTrue();
        assertThat(balanced.statement()).isEqualTo("select 1");
        assertThat(served.connections().subList(3, 6)).allSatisfy(c -> {
            assertThat(c.poolId()).isEqualTo(1);
            assertThat(c.database()).isEmpty();
        });
        assertThat(slots.subList(1, 4)).allSatisfy(slot -> assertThat(slot.idle()).isTrue());
    }

    @Test
    void pooledConnectionsFillTheFirstFreePlaceForTheirNodeInTheIdleSlots() {
        List<IdleConnection> pooled = List.of(idle(1, 2001), idle(1, 2002), idle(1, 2003), idle(0, 2004));

        List<ProcessInfo> slots = ServingSlots.of(List.of(), pooled, 3, 2, THREE_NODES, PROXY_STARTED);

        assertThat(slots).hasSize(3);
        // Slot 0: node 1 in both of its pool slots, node 0 in pool slot 0; slot 1 takes the third for node 1.
        assertThat(backendPids(slots.get(0))).containsExactly(2004, 2001, 0, 0, 2002, 0);
        assertThat(backendPids(slots.get(1))).containsExactly(0, 2003, 0, 0, 0, 0);
        assertThat(backendPids(slots.get(2))).containsOnly(0);
        PooledConnection second = slots.get(0).connections().get(4);
        assertThat(second.poolId()).isEqualTo(1);
        assertThat(second.database()).isEqualTo("app");
        assertThat(second.connected()).as("pooled, no client holds it").isFalse();
        assertThat(slots).allSatisfy(slot -> assertThat(slot.status()).isEqualTo("Wait for connection"));
    }

    @Test
    void morePooledConnectionsThanIdleSlotsHoldAddSlotsRatherThanDisappear() {
        SessionInfo session = new SessionInfo(3, SESSION_STARTED, "[local]", "", "app", "alice", "Idle",
                Map.of(0, 1001), 0, "");
        List<IdleConnection> pooled = List.of(idle(0, 2001), idle(0, 2002));

        List<ProcessInfo> slots = ServingSlots.of(List.of(session), pooled, 1, 1, List.of(0), PROXY_STARTED);

        assertThat(slots).extracting(ProcessInfo::pid).containsExactly(3, 0, 0);
        assertThat(slots.subList(1, 3)).flatExtracting(ProcessInfo::connections)
                .extracting(PooledConnection::backendPid).containsExactly(2001, 2002);
    }

    private static IdleConnection idle(int node, int pid) {
        return new IdleConnection(node, "alice", "app", pid, 5, SESSION_STARTED, SESSION_STARTED.plusSeconds(60));
    }

    private static List<Integer> backendPids(ProcessInfo slot) {
        return slot.connections().stream().map(PooledConnection::backendPid).toList();
    }
}
