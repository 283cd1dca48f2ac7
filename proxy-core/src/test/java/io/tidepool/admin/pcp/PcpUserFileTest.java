package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PcpUserFileTest {

    @Test
    void readsUserAndStoredValueSkippingCommentsAndBlankLines() {
        PcpUserFile file = PcpUserFile.parse("# comment\n\npcpadmin:5ebe2294ecd0e0f08eab7690d2a6ee69\n");
        assertThat(file.storedPassword("pcpadmin")).contains("5ebe2294ecd0e0f08eab7690d2a6ee69");
        assertThat(file.storedPassword("nobody")).isEmpty();
    }

    @Test
    void firstEntryForAUserWins() {
        PcpUserFile file = PcpUserFile.parse("a:first\na:second\n");
        assertThat(file.storedPassword("a")).contains("first");
    }

    @Test
    void keepsTheStoredValueVerbatimLikePgpool() {
        PcpUserFile file = PcpUserFile.parse("a:abc \r\nb:x:y\n");
        assertThat(file.storedPassword("a")).contains("abc \r");
        assertThat(file.storedPassword("b")).contains("x:y");
    }

    @Test
    void ignoresLinesWithoutUserOrTooLong() {
        PcpUserFile file = PcpUserFile.parse("nocolon\n:empty\nlong:" + "x".repeat(129) + "\n");
        assertThat(file.entries()).isEmpty();
    }
}
