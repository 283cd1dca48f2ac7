package io.tidepool.console.topology;

import io.tidepool.console.Nodes;
import io.tidepool.console.client.ClusterSnapshot;
import io.tidepool.console.client.LiveStatus;
import io.tidepool.console.client.PoolNodeStatus;
import io.tidepool.console.session.ClusterSession;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyViewModelTest {

    private final ClusterSession session = new ClusterSession(Runnable::run);
    private final TopologyViewModel vm = new TopologyViewModel(session);

    @Test
    void oneCardPerNodeAndAnArrowFromThePrimaryToEachStandby() {
        vm.update(Nodes.threeNodes(Instant.now()));

        assertThat(vm.cards()).extracting(NodeCard::title)
                .containsExactly("127.0.0.1:5432", "127.0.0.1:5433", "127.0.0.1:5434");
        assertThat(vm.links()).containsExactly(new TopologyViewModel.Link(0, 1), new TopologyViewModel.Link(0, 2));
        NodeCard standby = vm.cards().get(1);
        assertThat(standby.roleText()).isEqualTo("standby");
        assertThat(standby.statusText()).isEqualTo("up \u00b7 server up");
        assertThat(standby.statusStyle()).isEqualTo("status-up");
        assertThat(standby.replicationText()).isEqualTo("streaming (async), delay 0 B");
        assertThat(standby.weightText()).isEqualTo("weight 0.33");
        assertThat(standby.selectText()).isEqualTo("select_cnt 20");
        assertThat(standby.loadBalanceNode()).isTrue();
        assertThat(standby.warnings()).isEmpty();
    }

    @Test
    void downNodeIsColouredDownAndDisagreementIsWrittenOnTheCard() {
        vm.update(new ClusterSnapshot(Instant.now(), List.of(Nodes.primary(0),
                Nodes.withStatus(Nodes.standby(1), PoolNodeStatus.DOWN, LiveStatus.UP))));

        NodeCard card = vm.cards().get(1);
        assertThat(card.statusStyle()).isEqualTo("status-down");
        assertThat(card.statusText()).isEqualTo("down \u00b7 server up");
        assertThat(card.warnings()).containsExactly("recorded down but the server answers");
    }

    @Test
    void noPrimaryMeansNoArrows() {
        vm.update(new ClusterSnapshot(Instant.now(), List.of(Nodes.standby(1), Nodes.standby(2))));

        assertThat(vm.links()).isEmpty();
        assertThat(vm.cards()).hasSize(2);
    }
}
