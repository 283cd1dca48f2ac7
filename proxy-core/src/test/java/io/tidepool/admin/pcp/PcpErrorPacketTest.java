package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PcpErrorPacketTest {

    @Test
    void encodesFieldsInPgpoolOrderWithTerminator() {
        PcpErrorPacket error = new PcpErrorPacket("ERROR", "XX000", "informing node info failed",
                Optional.of("invalid node ID : 5"), Optional.of("hint text"), "pcp_worker.c", 42);
        PcpPacket packet = error.toPacket();
        assertThat(packet.tag()).isEqualTo('E');
        String expected = "SERROR\0CXX000\0Minforming node info failed\0Dinvalid node ID : 5\0Hhint text\0"
                + "Fpcp_worker.c\0L42\0\0";
        assertThat(new String(packet.payload(), StandardCharsets.US_ASCII)).isEqualTo(expected);
        assertThat(packet.wireLength()).isEqualTo(4 + expected.length());
    }

    @Test
    void leavesOutAbsentDetailAndHint() {
        PcpErrorPacket error = new PcpErrorPacket("FATAL", "XX000", "authentication failed", Optional.empty(),
                Optional.empty(), "f", 1);
        assertThat(new String(error.toPacket().payload(), StandardCharsets.US_ASCII))
                .isEqualTo("SFATAL\0CXX000\0Mauthentication failed\0Ff\0L1\0\0");
    }

    @Test
    void sendsLowerLevelsAsNotices() {
        assertThat(PcpErrorPacket.of("NOTICE", "just so you know", null).toPacket().tag()).isEqualTo('N');
        assertThat(PcpErrorPacket.of("WARNING", "careful", null).toPacket().tag()).isEqualTo('N');
        assertThat(PcpErrorPacket.of("FATAL", "gone", null).toPacket().tag()).isEqualTo('E');
    }

    @Test
    void lowerCasesTextsThatPgpoolClientsWouldMisparse() {
        PcpErrorPacket error = PcpErrorPacket.error("Something failed", "Detail here");
        assertThat(error.message()).isEqualTo("something failed");
        assertThat(error.detail()).contains("detail here");
        assertThat(PcpErrorPacket.error("Node failed", null).message()).isEqualTo("Node failed");
    }

    @Test
    void recordsWhereItWasRaised() {
        PcpErrorPacket error = PcpErrorPacket.error("x", null);
        assertThat(error.file()).isEqualTo("PcpErrorPacketTest.java");
        assertThat(error.line()).isPositive();
    }

    @Test
    void cutsEveryFieldTo255Bytes() {
        PcpErrorPacket error = PcpErrorPacket.error("x".repeat(400), "y".repeat(300));
        PcpErrorPacket back = PcpErrorPacket.decode(error.toPacket());
        assertThat(back.message()).hasSize(255);
        assertThat(back.detail()).hasValueSatisfying(d -> assertThat(d).hasSize(255));
    }

    @Test
    void decodesWhatItEncodes() {
        PcpErrorPacket error = new PcpErrorPacket("ERROR", "XX000", "informing node info failed",
                Optional.of("invalid node ID : 5"), Optional.empty(), "pcp_worker.c", 42);
        assertThat(PcpErrorPacket.decode(error.toPacket())).isEqualTo(error);
    }
}
