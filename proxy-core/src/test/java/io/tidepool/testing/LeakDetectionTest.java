package io.tidepool.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The leak check must be able to fail, or it proves nothing. */
class LeakDetectionTest {

    @Test
    void reportsABufferNobodyReleased() {
        LeakDetection.collectLeaks();
        leakOne();
        assertThat(LeakDetection.collectLeaks()).isNotEmpty();
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(42);
    }
}
