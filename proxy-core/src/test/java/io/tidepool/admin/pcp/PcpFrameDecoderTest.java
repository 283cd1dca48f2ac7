package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcpFrameDecoderTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The four requests of spec 1.6 captured from the 4.3.5 tools, back to back. */
    private static final byte[] SPEC_REQUESTS = HEX.parseHex(
            "49000000072d3100"        // I "-1\0"
            + "4a00000008312000" + "6e" // J "1 \0n"
            + "6a00000008312000" + "73" // j "1 \0s"
            + "5a0000000563");          // Z "c"

    private static List<PcpPacket> expectedSpecRequests() {
        return List.of(
                PcpPacket.ofStrings('I', "-1"),
                PcpPacket.of('J', new byte[] {'1', ' ', 0, 'n'}),
                PcpPacket.of('j', new byte[] {'1', ' ', 0, 's'}),
                PcpPacket.of('Z', new byte[] {'c'}));
    }

    @Test
    void decodesTheRequestsCapturedFromPgpoolTools() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
        channel.writeInbound(Unpooled.wrappedBuffer(SPEC_REQUESTS));
        assertThat(drain(channel)).containsExactlyElementsOf(expectedSpecRequests());
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodesTheSameInputSplitAtEveryByte() {
        for (int split = 1; split < SPEC_REQUESTS.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
            channel.writeInbound(Unpooled.wrappedBuffer(SPEC_REQUESTS, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(SPEC_REQUESTS, split, SPEC_REQUESTS.length - split));
            assertThat(drain(channel)).as("split at %d", split).containsExactlyElementsOf(expectedSpecRequests());
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void decodesInputFedOneByteAtATime() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
        List<PcpPacket> packets = new ArrayList<>();
        for (byte b : SPEC_REQUESTS) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            packets.addAll(drain(channel));
        }
        assertThat(packets).containsExactlyElementsOf(expectedSpecRequests());
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void acceptsAnEmptyPayload() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
        channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("4d00000004")));
        assertThat(drain(channel)).containsExactly(PcpPacket.of('M', new byte[0]));
    }

    @Test
    void acceptsLength259TheLargestPgpoolAllows() {
        byte[] packet = new byte[1 + 259];
        packet[0] = 'F';
        packet[3] = (byte) (259 >>> 8);
        packet[4] = (byte) 259;
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
        channel.writeInbound(Unpooled.wrappedBuffer(packet));
        assertThat(drain(channel)).singleElement().satisfies(p -> assertThat(p.payloadLength()).isEqualTo(255));
    }

    @Test
    void rejectsLength260BeforeReadingThePayload() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
        // Only the header arrives: the limit is checked before any payload is awaited.
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("4600000104"))))
                .isInstanceOf(PcpFrameException.class)
                .hasMessageContaining("incorrect packet length (260)")
                .satisfies(e -> assertThat(((PcpFrameException) e).length()).isEqualTo(260));
        channel.finishAndReleaseAll();
    }

    @Test
    void rejectsAHugeLengthWithoutAllocating() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("4c7fffffff"))))
                .isInstanceOf(PcpFrameException.class)
                .hasMessageContaining("incorrect packet length (2147483647)");
        channel.finishAndReleaseAll();
    }

    @Test
    void rejectsLengthsThatCannotCountThemselves() {
        for (String header : List.of("4c00000000", "4c00000003", "4cffffffff")) {
            EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
            assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(header))))
                    .as(header).isInstanceOf(PcpFrameException.class);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void discardsEverythingAfterABadLength() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forServer());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("4c00010000"))))
                .isInstanceOf(PcpFrameException.class);
        channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("4d00000004")));
        assertThat(drain(channel)).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void clientDecoderAcceptsLargeResponses() {
        byte[] packet = new byte[1 + 4 + 5000];
        packet[0] = 'w';
        int length = 4 + 5000;
        packet[3] = (byte) (length >>> 8);
        packet[4] = (byte) length;
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameDecoder.forClient());
        channel.writeInbound(Unpooled.wrappedBuffer(packet));
        assertThat(drain(channel)).singleElement().satisfies(p -> assertThat(p.payloadLength()).isEqualTo(5000));
    }

    @Test
    void reportsAPartialPacket() {
        PcpFrameDecoder decoder = PcpFrameDecoder.forServer();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        assertThat(decoder.inMiddleOfPacket()).isFalse();
        channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("4900")));
        assertThat(decoder.inMiddleOfPacket()).isTrue();
        channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("0000072d3100")));
        assertThat(decoder.inMiddleOfPacket()).isFalse();
        assertThat(drain(channel)).hasSize(1);
    }

    @Test
    void encoderWritesTheSameBytesTheToolsSend() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpFrameEncoder.INSTANCE);
        for (PcpPacket packet : expectedSpecRequests()) {
            channel.writeOutbound(packet);
        }
        io.netty.buffer.ByteBuf all = Unpooled.buffer();
        io.netty.buffer.ByteBuf next;
        while ((next = channel.readOutbound()) != null) {
            all.writeBytes(next);
            next.release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        all.release();
        assertThat(HEX.formatHex(bytes)).isEqualTo(HEX.formatHex(SPEC_REQUESTS));
    }

    private static List<PcpPacket> drain(EmbeddedChannel channel) {
        List<PcpPacket> packets = new ArrayList<>();
        Object next;
        while ((next = channel.readInbound()) != null) {
            packets.add((PcpPacket) next);
        }
        return packets;
    }
}
