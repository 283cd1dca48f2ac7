package io.tidepool.console.actions;

import io.tidepool.console.Nodes;
import io.tidepool.console.ScriptedClusterClient;
import io.tidepool.console.client.ActionResult;
import io.tidepool.console.client.ClusterClientException;
import io.tidepool.console.client.NodeAction;
import io.tidepool.console.client.NodeActionRules;
import io.tidepool.console.session.ClusterSession;
import io.tidepool.console.session.ConsoleTask;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class NodeActionsViewModelTest {

    private final ClusterSession session = new ClusterSession(Runnable::run);
    private final ScriptedClusterClient client = new ScriptedClusterClient();
    private final NodeActionsViewModel vm = new NodeActionsViewModel(session);

    @BeforeEach
    void connect() {
        session.connect(client.answer(Nodes.threeNodes(Instant.now())));
        session.refresh().join();
    }

    @Test
    void recoverIsListedDisabledWithItsReason() {
        assertThat(vm.choicesFor(Nodes.standby(1)))
                .filteredOn(c -> c.action() == NodeAction.RECOVER).singleElement()
                .satisfies(c -> {
                    assertThat(c.enabled()).isFalse();
                    assertThat(c.disabledReason()).contains(NodeActionRules.RECOVERY_NOT_AVAILABLE);
                    assertThat(c.menuText()).startsWith("Recover \u2014 online recovery is not available");
                });
    }

    @Test
    void standbyOffersDetachPromoteSwitchoverButNotAttach() {
        assertThat(vm.choicesFor(Nodes.standby(1))).filteredOn(ActionChoice::enabled).extracting(ActionChoice::action)
                .containsExactly(NodeAction.DETACH, NodeAction.DETACH_GRACEFULLY, NodeAction.PROMOTE, NodeAction.SWITCHOVER);
    }

    @Test
    void detachPlanSaysWhatHappensToTheNodeAndTheServer() {
        ActionPlan plan = vm.plan(NodeAction.DETACH, Nodes.standby(1));

        assertThat(plan.title()).isEqualTo("Detach node 1");
        assertThat(plan.headline()).isEqualTo("Detach node 1 (127.0.0.1:5433, standby) from scripted cluster now.");
        assertThat(plan.effects()).anyMatch(e -> e.contains("marked down"))
                .anyMatch(e -> e.contains("PostgreSQL server keeps running"));
        assertThat(plan.caution()).isEmpty();
        assertThat(plan.confirmLabel()).isEqualTo("Detach");
    }

    @Test
    void detachingThePrimaryWarnsOfFailover() {
        assertThat(vm.plan(NodeAction.DETACH, Nodes.primary(0)).caution()).contains("starts a failover");
    }

    @Test
    void switchoverPlanNamesTheCurrentPrimary() {
        assertThat(vm.plan(NodeAction.SWITCHOVER, Nodes.standby(2)).effects().get(0))
                .contains("node 0 (127.0.0.1:5432)");
    }

    @Test
    void runTracksTheActionToSuccessAndRefreshes() {
        ConsoleTask<ActionResult> task = vm.run(NodeAction.DETACH, Nodes.standby(1));
        assertThat(client.performed).containsExactly("DETACH 1");
        assertThat(task.stateProperty().get()).isEqualTo(ConsoleTask.State.RUNNING);
        assertThat(task.progressProperty().get()).isEqualTo(-1);

        client.answer(Nodes.threeNodes(Instant.now()));
        client.pendingActions.get(0).complete(new ActionResult.Done(NodeAction.DETACH, 1, "accepted"));

        assertThat(task.stateProperty().get()).isEqualTo(ConsoleTask.State.SUCCEEDED);
        assertThat(task.progressProperty().get()).isEqualTo(1);
        assertThat(task.messageProperty().get()).isEqualTo("accepted");
        assertThat(task.outcome().join()).isEqualTo(new ActionResult.Done(NodeAction.DETACH, 1, "accepted"));
    }

    @Test
    void refusalEndsTheTaskWithTheCauseNotAStackTrace() {
        ConsoleTask<ActionResult> task = vm.run(NodeAction.PROMOTE, Nodes.standby(1));

        client.pendingActions.get(0).completeExceptionally(new ClusterClientException("could not promote node 1",
                new IOException("ERROR: invalid promote request")));

        assertThat(task.stateProperty().get()).isEqualTo(ConsoleTask.State.FAILED);
        assertThat(task.messageProperty().get()).isEqualTo("could not promote node 1: ERROR: invalid promote request");
    }

    @Test
    void cancelStopsWaitingAndSaysTheRequestMayStillRun() {
        ConsoleTask<ActionResult> task = vm.run(NodeAction.DETACH_GRACEFULLY, Nodes.standby(1));

        task.cancel();

        assertThat(task.stateProperty().get()).isEqualTo(ConsoleTask.State.CANCELLED);
        assertThat(task.messageProperty().get()).contains("may still be carried out");
    }

    @Test
    void unavailableActionFailsWithoutSendingAnything() {
        ConsoleTask<ActionResult> task = vm.run(NodeAction.RECOVER, Nodes.standby(1));

        assertThat(client.performed).isEmpty();
        assertThat(task.stateProperty().get()).isEqualTo(ConsoleTask.State.FAILED);
        assertThat(task.messageProperty().get()).startsWith("recover is not available: online recovery");
    }

    @Test
    void withoutAClusterEveryActionIsDisabled() {
        session.disconnect();
        assertThat(vm.choicesFor(Nodes.standby(1))).allSatisfy(c -> {
            assertThat(c.enabled()).isFalse();
            assertThat(c.disabledReason()).isEqualTo(Optional.of("not connected"));
        });
    }
}
