package io.tidepool.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.protocol.frontend.SslRequest;
import io.tidepool.protocol.frontend.StartupMessage;
import io.tidepool.testing.Bytes;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(LeakDetection.class)
class FrameDecoderTest {

    private static final byte[] QUERY = Bytes.written(new Query("SELECT 1")::encode);
    private static final byte[] READY = Bytes.written(ReadyForQuery.IDLE::encode);
    private static final byte[] EMPTY_SYNC = Bytes.hex("53 00000004");
    private static final byte[] TYPED_STREAM = Bytes.concat(QUERY, READY, EMPTY_SYNC, QUERY);

    @Test
    void decodesTypedFramesInPlace() {
        List<byte[]> frames = decodeInChunks(FrameDecoder.Framing.TYPED, 1 << 20, List.of(TYPED_STREAM));
        assertThat(frames).containsExactly(QUERY, READY, EMPTY_SYNC, QUERY);
    }

    @Test
    void decodesTheSameFramesWhenFedOneByteAtATime() {
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : TYPED_STREAM) {
            chunks.add(new byte[] {b});
        }
        assertThat(decodeInChunks(FrameDecoder.Framing.TYPED, 1 << 20, chunks))
                .containsExactly(QUERY, READY, EMPTY_SYNC, QUERY);
    }

    @Test
    void decodesTheSameFramesWhateverTheSplitPoint() {
        for (int split = 0; split <= TYPED_STREAM.length; split++) {
            List<byte[]> chunks = List.of(Arrays.copyOfRange(TYPED_STREAM, 0, split),
                    Arrays.copyOfRange(TYPED_STREAM, split, TYPED_STREAM.length));
            assertThat(decodeInChunks(FrameDecoder.Framing.TYPED, 1 << 20, chunks))
                    .as("split at %d", split)
                    .containsExactly(QUERY, READY, EMPTY_SYNC, QUERY);
        }
    }

    @Test
    void decodesStartupPacketsWhateverTheSplitPoint() {
        byte[] ssl = Bytes.written(SslRequest.INSTANCE::encode);
        byte[] startup = Bytes.written(StartupMessage.of(Map.of("user", "alice"))::encode);
        byte[] stream = Bytes.concat(ssl, startup);
        for (int split = 0; split <= stream.length; split++) {
            List<byte[]> chunks = List.of(Arrays.copyOfRange(stream, 0, split), Arrays.copyOfRange(stream, split, stream.length));
            assertThat(decodeInChunks(FrameDecoder.Framing.STARTUP, 10_000, chunks)).as("split at %d", split)
                    .containsExactly(ssl, startup);
        }
    }

    @Test
    void rejectsALengthAboveTheLimitBeforeTheBodyArrives() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.TYPED, 1_048_576);
        ByteBuf in = Unpooled.wrappedBuffer(Bytes.hex("51 40000000"));
        try {
            assertThatThrownBy(() -> decoder.next(in))
                    .isInstanceOf(PgException.class)
                    .hasMessage("message length 1073741824 exceeds limit 1048576")
                    .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION));
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsANegativeLength() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.TYPED, 1_048_576);
        ByteBuf in = Unpooled.wrappedBuffer(Bytes.hex("51 fffffffb"));
        try {
            assertThatThrownBy(() -> decoder.next(in)).isInstanceOf(PgException.class)
                    .hasMessageStartingWith("invalid message length -5 (at least 4 expected)");
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsAStartupPacketAbovePostgresqlsLimit() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.STARTUP, 10_000);
        ByteBuf in = Unpooled.wrappedBuffer(Bytes.hex("00002711"));
        try {
            assertThatThrownBy(() -> decoder.next(in)).hasMessage("startup packet length 10001 exceeds limit 10000");
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsAStartupPacketShorterThanItsCode() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.STARTUP, 10_000);
        ByteBuf in = Unpooled.wrappedBuffer(Bytes.hex("00000004"));
        try {
            assertThatThrownBy(() -> decoder.next(in)).hasMessageStartingWith("invalid startup packet length 4 (at least 8 expected)");
        } finally {
            in.release();
        }
    }

    @Test
    void refusesToContinueAfterAViolation() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.TYPED, 100);
        ByteBuf in = Unpooled.wrappedBuffer(Bytes.hex("51 00001000"));
        try {
            assertThatThrownBy(() -> decoder.next(in)).isInstanceOf(PgException.class);
            assertThatThrownBy(() -> decoder.next(in)).isInstanceOf(IllegalStateException.class);
        } finally {
            in.release();
        }
    }

    @Test
    void waitsWithoutConsumingUntilAFrameIsComplete() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.TYPED, 100);
        ByteBuf in = Unpooled.buffer().writeBytes(Arrays.copyOf(QUERY, QUERY.length - 1));
        try {
            assertThat(decoder.next(in)).isFalse();
            assertThat(in.readerIndex()).isZero();
            assertThat(decoder.inFrame()).isTrue();
            in.writeByte(QUERY[QUERY.length - 1]);
            assertThat(decoder.next(in)).isTrue();
            assertThat(decoder.type()).isEqualTo((byte) 'Q');
            assertThat(decoder.frameLength()).isEqualTo(QUERY.length);
            assertThat(in.isReadable()).isFalse();
        } finally {
            in.release();
        }
    }

    @Test
    void raisedLimitAppliesToTheNextFrame() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.Framing.TYPED, 8);
        ByteBuf in = Unpooled.wrappedBuffer(QUERY);
        try {
            decoder.setLimit(1000);
            assertThat(decoder.next(in)).isTrue();
        } finally {
            in.release();
        }
    }

    /**
     * Feeds {@code chunks} one after another into a growing buffer, the way sockets deliver
     * them, and returns every frame; fails if bytes are left over at the end.
     */
    static List<byte[]> decodeInChunks(FrameDecoder.Framing framing, int limit, List<byte[]> chunks) {
        FrameDecoder decoder = new FrameDecoder(framing, limit);
        ByteBuf cumulation = Unpooled.buffer();
        List<byte[]> frames = new ArrayList<>();
        try {
            for (byte[] chunk : chunks) {
                cumulation.writeBytes(chunk);
                while (decoder.next(cumulation)) {
                    frames.add(ByteBufUtil.getBytes(cumulation, decoder.frameStart(), decoder.frameLength()));
                }
            }
            assertThat(cumulation.isReadable()).as("bytes left over").isFalse();
            assertThat(decoder.inFrame()).as("decoder still inside a frame").isFalse();
            return frames;
        } finally {
            cumulation.release();
        }
    }
}
