package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeInfoLayoutTest {

    @Test
    void mapsClientVersionsToLayouts() {
        assertThat(NodeInfoLayout.forClientVersion("")).isEqualTo(NodeInfoLayout.V4_4);
        assertThat(NodeInfoLayout.forClientVersion("newest")).isEqualTo(NodeInfoLayout.V4_4);
        assertThat(NodeInfoLayout.forClientVersion("4.7.2")).isEqualTo(NodeInfoLayout.V4_4);
        assertThat(NodeInfoLayout.forClientVersion("4.4")).isEqualTo(NodeInfoLayout.V4_4);
        assertThat(NodeInfoLayout.forClientVersion("4.3")).isEqualTo(NodeInfoLayout.V4_3);
        assertThat(NodeInfoLayout.forClientVersion("4.3.5")).isEqualTo(NodeInfoLayout.V4_3);
        assertThat(NodeInfoLayout.forClientVersion("4.3.0")).isEqualTo(NodeInfoLayout.V4_3_0);
        assertThat(NodeInfoLayout.forClientVersion("4.2.8")).isEqualTo(NodeInfoLayout.V4_2_8);
        assertThat(NodeInfoLayout.forClientVersion("4.2.3")).isEqualTo(NodeInfoLayout.V4_2_0);
    }

    @Test
    void fieldCountsFollowTheSpecMatrix() {
        assertThat(NodeInfoLayout.V4_2_0.fieldCount()).isEqualTo(9);
        assertThat(NodeInfoLayout.V4_2_8.fieldCount()).isEqualTo(10);
        assertThat(NodeInfoLayout.V4_3_0.fieldCount()).isEqualTo(11);
        assertThat(NodeInfoLayout.V4_3.fieldCount()).isEqualTo(12);
        assertThat(NodeInfoLayout.V4_4.fieldCount()).isEqualTo(13);
    }

    @Test
    void aRecordsFieldCountTellsItsGenerationWithinOnePacketForm() {
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_4, true, 13)).isEqualTo(NodeInfoLayout.V4_4);
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_4, true, 12)).isEqualTo(NodeInfoLayout.V4_3);
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_4, true, 11)).isEqualTo(NodeInfoLayout.V4_3_0);
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_3, true, 13)).isEqualTo(NodeInfoLayout.V4_4);
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_2_8, false, 9)).isEqualTo(NodeInfoLayout.V4_2_0);
        // expected one form, answered in the other
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_4, false, 9)).isEqualTo(NodeInfoLayout.V4_2_0);
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_2_8, true, 12)).isEqualTo(NodeInfoLayout.V4_3);
        // a newer server's extra trailing fields: read as the expected layout
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_4, true, 15)).isEqualTo(NodeInfoLayout.V4_4);
        // too few for any: the expected layout, whose reader then reports the short record
        assertThat(NodeInfoLayout.ofRecord(NodeInfoLayout.V4_4, true, 5)).isEqualTo(NodeInfoLayout.V4_4);
    }

    @Test
    void rejectsNonsenseAndOldVersions() {
        assertThatThrownBy(() -> NodeInfoLayout.forClientVersion("four")).hasMessageContaining("not a version");
        assertThatThrownBy(() -> NodeInfoLayout.forClientVersion("4.1")).hasMessageContaining("older than 4.2");
    }
}
