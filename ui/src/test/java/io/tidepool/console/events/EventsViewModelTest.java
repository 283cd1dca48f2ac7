package io.tidepool.console.events;

import io.tidepool.console.ScriptedClusterClient;
import io.tidepool.console.client.ClusterEvent;
import io.tidepool.console.session.ClusterSession;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EventsViewModelTest {

    private final ClusterSession session = new ClusterSession(Runnable::run);
    private final EventsViewModel vm = new EventsViewModel(session);
    private final ScriptedClusterClient client = new ScriptedClusterClient();

    private void emitSome() {
        session.connect(client);
        Instant t = Instant.now();
        client.emit(ClusterEvent.ofNode(t, ClusterEvent.Kind.NODE_DOWN, 1, "node 1 (127.0.0.1:5433) is down", "recorded status up -> down"));
        client.emit(ClusterEvent.ofNode(t.plusSeconds(1), ClusterEvent.Kind.NODE_UP, 1, "node 1 (127.0.0.1:5433) is up", ""));
        client.emit(ClusterEvent.ofNode(t.plusSeconds(2), ClusterEvent.Kind.NODE_DOWN, 2, "node 2 (127.0.0.1:5434) is down", ""));
    }

    @Test
    void newestEventComesFirst() {
        emitSome();

        assertThat(vm.visibleEvents()).extracting(ClusterEvent::message).containsExactly(
                "node 2 (127.0.0.1:5434) is down", "node 1 (127.0.0.1:5433) is up", "node 1 (127.0.0.1:5433) is down");
    }

    @Test
    void kindAndWordFiltersCombine() {
        emitSome();

        vm.kindFilterProperty().set(new EventsViewModel.KindChoice(Optional.of(ClusterEvent.Kind.NODE_DOWN)));
        assertThat(vm.visibleEvents()).hasSize(2);

        vm.filterTextProperty().set("5433");
        assertThat(vm.visibleEvents()).extracting(ClusterEvent::message).containsExactly("node 1 (127.0.0.1:5433) is down");

        vm.kindFilterProperty().set(EventsViewModel.KindChoice.ALL);
        vm.filterTextProperty().set("UP -> DOWN");
        assertThat(vm.visibleEvents()).hasSize(1);
    }

    @Test
    void filterAppliesToEventsArrivingLater() {
        vm.filterTextProperty().set("node 2");
        emitSome();

        assertThat(vm.visibleEvents()).hasSize(1);
    }

    @Test
    void logTailExplainsWhyItIsEmptyForRemotePgpool() {
        session.connect(client);

        assertThat(vm.logLines()).isEmpty();
        assertThat(vm.logNoteProperty().get()).contains("pgpool-II's log stays on its server");
    }
}
