package io.tidepool.console.client;

import io.tidepool.cluster.NodeRole;
import io.tidepool.console.Nodes;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class NodeActionRulesTest {

    @Test
    void recoverIsNeverAvailableAndSaysWhy() {
        assertThat(NodeActionRules.check(NodeAction.RECOVER, Nodes.withStatus(Nodes.standby(1), PoolNodeStatus.DOWN, LiveStatus.DOWN)))
                .isEqualTo(ActionAvailability.notAvailable(NodeActionRules.RECOVERY_NOT_AVAILABLE));
    }

    @Test
    void upNodeCanBeDetachedNotAttached() {
        assertThat(NodeActionRules.check(NodeAction.DETACH, Nodes.standby(1)).isAvailable()).isTrue();
        assertThat(NodeActionRules.check(NodeAction.ATTACH, Nodes.standby(1)))
                .isEqualTo(ActionAvailability.notAvailable("node 1 is already up"));
    }

    @Test
    void downNodeCanBeAttachedNotDetachedNorPromoted() {
        PoolNode down = Nodes.withStatus(Nodes.standby(2), PoolNodeStatus.DOWN, LiveStatus.UP);
        assertThat(NodeActionRules.check(NodeAction.ATTACH, down).isAvailable()).isTrue();
        assertThat(NodeActionRules.check(NodeAction.DETACH_GRACEFULLY, down).isAvailable()).isFalse();
        assertThat(NodeActionRules.check(NodeAction.PROMOTE, down))
                .isEqualTo(ActionAvailability.notAvailable("node 2 is down; attach it before promoting it"));
    }

    @Test
    void primaryCannotBePromotedAndNativeModesHaveNoPromotion() {
        assertThat(NodeActionRules.check(NodeAction.SWITCHOVER, Nodes.primary(0)))
                .isEqualTo(ActionAvailability.notAvailable("node 0 is already the primary"));
        PoolNode replica = Nodes.withRole(Nodes.standby(1), NodeRole.REPLICA, Optional.of(NodeRole.REPLICA));
        assertThat(NodeActionRules.check(NodeAction.PROMOTE, replica))
                .isEqualTo(ActionAvailability.notAvailable("promotion exists only in streaming replication mode"));
    }
}
