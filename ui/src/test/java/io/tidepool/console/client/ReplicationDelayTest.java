package io.tidepool.console.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationDelayTest {

    @Test
    void plainIntegerIsBytes() {
        assertThat(ReplicationDelay.parse("12345")).isEqualTo(ReplicationDelay.bytes(12345));
    }

    @Test
    void secondsFormWithSingularAndPluralUnit() {
        assertThat(ReplicationDelay.parse("0.250000 second")).isEqualTo(ReplicationDelay.seconds(0.25));
        assertThat(ReplicationDelay.parse("2.500000 seconds")).isEqualTo(ReplicationDelay.seconds(2.5));
    }

    @Test
    void emptyMeansNoDelay() {
        assertThat(ReplicationDelay.parse("").isZero()).isTrue();
    }

    @Test
    void garbageIsRejectedWithTheText() {
        assertThatThrownBy(() -> ReplicationDelay.parse("lots"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lots'");
    }

    @Test
    void pgpoolTextMatchesShowPoolNodes() {
        assertThat(ReplicationDelay.bytes(1234).pgpoolText()).isEqualTo("1234");
        assertThat(ReplicationDelay.seconds(0.25).pgpoolText()).isEqualTo("0.250000 second");
        assertThat(ReplicationDelay.seconds(2.5).pgpoolText()).isEqualTo("2.500000 seconds");
    }

    @Test
    void displayScalesBytes() {
        assertThat(ReplicationDelay.bytes(512).display()).isEqualTo("512 B");
        assertThat(ReplicationDelay.bytes(2048).display()).isEqualTo("2.0 kB");
        assertThat(ReplicationDelay.bytes(3 * 1024 * 1024).display()).isEqualTo("3.0 MB");
        assertThat(ReplicationDelay.seconds(0.25).display()).isEqualTo("0.25 s");
    }
}
