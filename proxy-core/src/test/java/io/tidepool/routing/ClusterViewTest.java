package io.tidepool.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterViewTest {

    @Test
    void thePrimaryIsTheUsableNodeInThePrimaryRole() {
        ClusterView view = ClusterView.of(NodeView.standby(1, 1), NodeView.primary(2, 1), NodeView.standby(0, 1));
        assertThat(view.primaryId()).isEqualTo(2);
        assertThat(view.primary()).map(NodeView::id).contains(2);
        assertThat(view.nodes()).extracting(NodeView::id).as("sorted by id").containsExactly(0, 1, 2);
    }

    @Test
    void aDownPrimaryOrNoPrimaryGivesMinusOne() {
        assertThat(ClusterView.of(NodeView.primary(0, 1).down(), NodeView.standby(1, 1)).primaryId()).isEqualTo(-1);
        assertThat(ClusterView.of(NodeView.standby(0, 1), NodeView.standby(1, 1)).primaryId()).isEqualTo(-1);
        assertThat(ClusterView.of().primary()).isEmpty();
    }

    @Test
    void usabilityIsReadPerNodeAndUnknownIdsAreNotUsable() {
        ClusterView view = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1).down());
        assertThat(view.isUsable(0)).isTrue();
        assertThat(view.isUsable(1)).isFalse();
        assertThat(view.isUsable(7)).isFalse();
    }

    @Test
    void anIdTwiceIsRejected() {
        assertThatThrownBy(() -> ClusterView.of(NodeView.primary(0, 1), NodeView.standby(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id 0 appears twice");
    }
}
