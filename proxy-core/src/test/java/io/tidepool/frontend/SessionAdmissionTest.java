package io.tidepool.frontend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionAdmissionTest {

    @Test
    void clientsPastTheLimitWaitAndAreServedInOrder() {
        SessionAdmission admission = SessionAdmission.fromPoolSettings(2, 0, 2);
        List<String> served = new ArrayList<>();
        assertThat(admission.admit(() -> served.add("a"))).isEqualTo(SessionAdmission.Outcome.ADMITTED);
        assertThat(admission.admit(() -> served.add("b"))).isEqualTo(SessionAdmission.Outcome.ADMITTED);
        assertThat(admission.admit(() -> served.add("c"))).isEqualTo(SessionAdmission.Outcome.QUEUED);
        assertThat(admission.admit(() -> served.add("d"))).isEqualTo(SessionAdmission.Outcome.QUEUED);
        admission.release();
        admission.release();
        assertThat(served).containsExactly("c", "d");
        assertThat(admission.served()).isEqualTo(2);
        admission.release();
        assertThat(admission.served()).isEqualTo(1);
    }

    @Test
    void theQueueIsBoundedByTheBacklogMultiplier() {
        SessionAdmission admission = SessionAdmission.fromPoolSettings(1, 0, 2);
        admission.admit(() -> { });
        admission.admit(() -> { });
        admission.admit(() -> { });
        assertThat(admission.admit(() -> { })).isEqualTo(SessionAdmission.Outcome.REFUSED);
    }

    @Test
    void reservedConnectionsRefuseInsteadOfQueueing() {
        SessionAdmission admission = SessionAdmission.fromPoolSettings(4, 1, 2);
        for (int i = 0; i < 3; i++) {
            assertThat(admission.admit(() -> { })).isEqualTo(SessionAdmission.Outcome.ADMITTED);
        }
        assertThat(admission.admit(() -> { })).isEqualTo(SessionAdmission.Outcome.REFUSED);
    }

    @Test
    void aWaitingClientThatLeavesGivesUpItsPlace() {
        SessionAdmission admission = SessionAdmission.fromPoolSettings(1, 0, 2);
        List<String> served = new ArrayList<>();
        admission.admit(() -> { });
        SessionAdmission.Waiter leaving = () -> served.add("left");
        admission.admit(leaving);
        admission.admit(() -> served.add("stays"));
        assertThat(admission.withdraw(leaving)).isTrue();
        admission.release();
        assertThat(served).containsExactly("stays");
    }

    @Test
    void aHoldQueuesEveryNewClientAndKeepsFreedSlotsUntilResumed() {
        SessionAdmission admission = SessionAdmission.fromPoolSettings(2, 1, 2); // reserved: no queue normally
        List<String> served = new ArrayList<>();
        admission.admit(() -> { });
        admission.hold();
        assertThat(admission.admit(() -> served.add("a"))).isEqualTo(SessionAdmission.Outcome.QUEUED);
        assertThat(admission.admit(() -> served.add("b"))).isEqualTo(SessionAdmission.Outcome.QUEUED);
        admission.release();
        assertThat(served).as("a freed slot is not handed on during a hold").isEmpty();
        assertThat(admission.served()).isZero();

        admission.resume();

        assertThat(served).as("as many as the limit allows").containsExactly("a");
        assertThat(admission.waiting()).isEqualTo(1);
        admission.release();
        assertThat(served).containsExactly("a", "b");
    }

    @Test
    void resumingAnUnlimitedAdmissionServesEveryoneWhoWaited() {
        SessionAdmission admission = SessionAdmission.unlimited();
        List<String> served = new ArrayList<>();
        admission.hold();
        admission.admit(() -> served.add("a"));
        admission.admit(() -> served.add("b"));
        assertThat(admission.isHeld()).isTrue();

        admission.resume();

        assertThat(served).containsExactly("a", "b");
        assertThat(admission.served()).isEqualTo(2);
        assertThat(admission.isHeld()).isFalse();
    }

    @Test
    void holdsNestAndOnlyTheLastResumeServesTheWaitingClients() {
        SessionAdmission admission = SessionAdmission.unlimited();
        List<String> served = new ArrayList<>();
        admission.hold(); // online recovery
        admission.hold(); // a graceful detach meanwhile
        admission.admit(() -> served.add("a"));

        admission.resume(); // the detach is done
        assertThat(admission.isHeld()).isTrue();
        assertThat(served).as("recovery still holds new clients").isEmpty();

        admission.resume();
        assertThat(served).containsExactly("a");
        admission.resume(); // one resume too many changes nothing
        assertThat(admission.isHeld()).isFalse();
        assertThat(admission.admit(() -> { })).isEqualTo(SessionAdmission.Outcome.ADMITTED);
    }
}
