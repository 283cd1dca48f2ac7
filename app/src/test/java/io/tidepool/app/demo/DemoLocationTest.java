package io.tidepool.app.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DemoLocationTest {

    @Test
    void usesXdgDataHomeWhenSet() {
        assertThat(DemoLocation.defaultDirectory(Map.of("XDG_DATA_HOME", "/data/alice"), "/home/alice", false))
                .isEqualTo(Path.of("/data/alice/tidepool/demo"));
    }

    @Test
    void fallsBackToLocalShareUnderHome() {
        assertThat(DemoLocation.defaultDirectory(Map.of(), "/home/alice", false))
                .isEqualTo(Path.of("/home/alice/.local/share/tidepool/demo"));
    }

    @Test
    void ignoresARelativeXdgDataHomeAsTheSpecificationSays() {
        assertThat(DemoLocation.defaultDirectory(Map.of("XDG_DATA_HOME", "data"), "/home/alice", false))
                .isEqualTo(Path.of("/home/alice/.local/share/tidepool/demo"));
    }

    @Test
    void rootGetsAFolderTheServerUserCanEnter() {
        assertThat(DemoLocation.defaultDirectory(Map.of("XDG_DATA_HOME", "/root/data"), "/root", true))
                .isEqualTo(Path.of("/var/lib/tidepool/demo"));
    }
}
