package io.tidepool.harness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwaitTest {

    @Test
    void returnsOnceTheConditionHolds() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Await.until(Duration.ofSeconds(10), () -> polls.incrementAndGet() == 3);
        assertThat(polls).hasValue(3);
    }

    @Test
    void failsAfterTheTimeoutSayingWhatWasAwaited() {
        AtomicInteger asked = new AtomicInteger();
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(250), () -> "node 2 " + asked.incrementAndGet(),
                () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("not within 0.25 s: node 2 1");
        assertThat(asked).as("the description is asked once, when the wait fails").hasValue(1);
    }
}
