package io.tidepool.console.session;

import io.tidepool.console.Nodes;
import io.tidepool.console.ScriptedClusterClient;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.client.ConnectionState;
import io.tidepool.console.client.ConnectionStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterSessionTest {

    private final ClusterSession session = new ClusterSession(Runnable::run);
    private final ScriptedClusterClient client = new ScriptedClusterClient();

    @Test
    void refreshPublishesNodesAndTellsSnapshotListeners() {
        int[] seen = {0};
        session.onSnapshot(s -> seen[0] = s.nodes().size());
        session.connect(client.answer(Nodes.threeNodes(Instant.now())));

        session.refresh().join();

        assertThat(session.nodes()).hasSize(3);
        assertThat(seen[0]).isEqualTo(3);
        assertThat(session.lastErrorProperty().get()).isEmpty();
    }

    @Test
    void failedRefreshKeepsLastNodesAndShowsTheCause() {
        session.connect(client.answer(Nodes.threeNodes(Instant.now())).fail("pgpool-II at x did not answer"));
        session.refresh().join();

        session.refresh().join();

        assertThat(session.nodes()).hasSize(3);
        assertThat(session.lastErrorProperty().get()).isEqualTo("pgpool-II at x did not answer");
    }

    @Test
    void connectedStatusTriggersARefreshUnlessPaused() {
        session.connect(client.answer(Nodes.threeNodes(Instant.now())));
        client.setStatus(ConnectionStatus.of(ConnectionState.CONNECTED, "connected"));
        assertThat(session.nodes()).hasSize(3);

        session.pausedProperty().set(true);
        client.answer(Nodes.threeNodes(Instant.now()));
        client.setStatus(ConnectionStatus.of(ConnectionState.CONNECTED, "connected"));
        assertThat(session.connectionProperty().get().state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void eventsAreKeptInOrderAndBounded() {
        session.connect(client);
        for (int i = 0; i < ClusterSession.MAX_EVENTS + 10; i++) {
            client.emit(ClusterEvent.ofCluster(Instant.now(), ClusterEvent.Kind.CONNECTION, "event " + i, ""));
        }

        assertThat(session.events()).hasSize(ClusterSession.MAX_EVENTS);
        assertThat(session.events().get(0).message()).isEqualTo("event 10");
    }

    @Test
    void switchingClustersClosesTheOldClientAndClearsItsNodes() {
        session.connect(client.answer(Nodes.threeNodes(Instant.now())));
        session.refresh().join();

        session.connect(new ScriptedClusterClient());

        assertThat(client.closed).isTrue();
        assertThat(session.nodes()).isEmpty();
    }

    @Test
    void refreshIntervalIsClampedToItsRange() {
        session.refreshIntervalSecondsProperty().set(0.01);
        assertThat(session.refreshIntervalSecondsProperty().get()).isEqualTo(ClusterSession.MIN_INTERVAL_SECONDS);
        session.refreshIntervalSecondsProperty().set(3600);
        assertThat(session.refreshIntervalSecondsProperty().get()).isEqualTo(ClusterSession.MAX_INTERVAL_SECONDS);
    }
}
