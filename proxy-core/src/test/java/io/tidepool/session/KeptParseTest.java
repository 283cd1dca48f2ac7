package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** What a prepared statement keeps of its Parse: a slice of a small read buffer, else a copy. */
@ExtendWith(LeakDetection.class)
class KeptParseTest {
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

    private ByteBuf readBuffer(int capacity) {
        ByteBuf read = alloc.buffer(capacity, capacity);
        read.writeBytes(new byte[] {'S', 0, 0, 0, 4}); // a frame before the Parse
        read.writeBytes(new byte[] {'P', 0, 0, 0, 8, 0, 'x', 0, 0}); // the Parse at 5..14 (not a valid one; bytes only)
        return read;
    }

    @Test
    void theUnnamedStatementKeepsASliceOfASmallReadBuffer() {
        ByteBuf read = readBuffer(512);
        ByteBuf kept = MultiNodeSession.keptParse("", read, 5, 9, alloc);
        assertThat(read.refCnt()).as("the read buffer stays alive for the slice").isEqualTo(2);
        assertThat(kept.readableBytes()).isEqualTo(9);
        assertThat(kept.getByte(0)).isEqualTo((byte) 'P');
        read.setByte(5, 'Q');
        assertThat(kept.getByte(0)).as("same memory, no copy").isEqualTo((byte) 'Q');
        kept.release();
        read.release();
    }

    @Test
    void aNamedStatementKeepsACopy() {
        ByteBuf read = readBuffer(512);
        ByteBuf kept = MultiNodeSession.keptParse("s1", read, 5, 9, alloc);
        assertThat(read.refCnt()).isOne();
        read.setByte(5, 'Q');
        assertThat(kept.getByte(0)).isEqualTo((byte) 'P');
        kept.release();
        read.release();
    }

    @Test
    void anUnnamedStatementFromALargeReadBufferKeepsACopySoTheBufferIsNotPinned() {
        ByteBuf read = readBuffer(MultiNodeSession.MAX_PINNED_READ_BUFFER + 1);
        ByteBuf kept = MultiNodeSession.keptParse("", read, 5, 9, alloc);
        assertThat(read.refCnt()).isOne();
        assertThat(kept.readableBytes()).isEqualTo(9);
        assertThat(kept.capacity()).isLessThan(read.capacity());
        kept.release();
        read.release();
    }
}
