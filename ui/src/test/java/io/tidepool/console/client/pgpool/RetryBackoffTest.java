package io.tidepool.console.client.pgpool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryBackoffTest {

    @Test
    void delaysDoubleUpToTheCap() {
        RetryBackoff b = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(b.delayAfter(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(b.delayAfter(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delayAfter(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delayAfter(4)).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.delayAfter(1000)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void capBelowInitialIsRejected() {
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
