package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EventJournalTest {

    @Test
    void keepsTheNewestEventsWithIncreasingSequence() {
        EventJournal journal = new EventJournal(3, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            journal.record(ClusterEvent.Kind.NOTICE, OptionalInt.of(i), "event " + i, "");
        }
        assertThat(journal.events()).extracting(ClusterEvent::message).containsExactly("event 2", "event 3", "event 4");
        assertThat(journal.events()).extracting(ClusterEvent::sequence).containsExactly(3L, 4L, 5L);
        assertThat(journal.eventsAfter(4)).extracting(ClusterEvent::message).containsExactly("event 4");
    }

    @Test
    void summaryNamesKindAndNode() {
        EventJournal journal = new EventJournal(1, Clock.systemUTC());
        ClusterEvent e = journal.record(ClusterEvent.Kind.NODE_DOWN, OptionalInt.of(2), "gone", "");
        assertThat(e.summary()).isEqualTo("NODE_DOWN node 2: gone");
    }
}
