package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void parsesHighAndLowHalves() {
        assertThat(Lsn.parse("16/B374D848")).hasValue((0x16L << 32) | 0xB374D848L);
        assertThat(Lsn.parse("0/0")).hasValue(0);
    }

    @Test
    void rejectsNullAndGarbage() {
        assertThat(Lsn.parse(null)).isEmpty();
        assertThat(Lsn.parse("16")).isEmpty();
        assertThat(Lsn.parse("x/1")).isEmpty();
        assertThat(Lsn.parse("1/")).isEmpty();
    }

    @Test
    void distanceIsNeverNegative() {
        assertThat(Lsn.distance(100, 40)).isEqualTo(60);
        assertThat(Lsn.distance(40, 100)).isZero();
    }
}
