package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFileTest {

    @TempDir
    Path dir;

    @Test
    void writesOneWordPerSlotWithWaitingAsUp() throws Exception {
        Path file = dir.resolve(StatusFile.NAME);
        assertThat(StatusFile.write(file, List.of(NodeStatus.UP, NodeStatus.DOWN, NodeStatus.WAITING,
                NodeStatus.UNUSED))).isTrue();
        assertThat(Files.readString(file)).isEqualTo("up\ndown\nup\nunused\n");
    }

    @Test
    void doesNotWriteWhenNoNodeIsUp() throws Exception {
        Path file = dir.resolve(StatusFile.NAME);
        Files.writeString(file, "up\ndown\n");
        assertThat(StatusFile.write(file, List.of(NodeStatus.DOWN, NodeStatus.DOWN))).isFalse();
        assertThat(Files.readString(file)).isEqualTo("up\ndown\n");
    }

    @Test
    void readsWordsByPrefixIgnoringCase() throws Exception {
        Path file = dir.resolve(StatusFile.NAME);
        Files.writeString(file, "UP\ndown # detached by hand\nunused\nbogus\n");
        assertThat(StatusFile.read(file, 5)).contains(List.of(NodeStatus.UP, NodeStatus.DOWN, NodeStatus.UNUSED,
                NodeStatus.UNUSED, NodeStatus.UNUSED));
    }

    @Test
    void aFileWithNoNodeUpIsIgnored() throws Exception {
        Path file = dir.resolve(StatusFile.NAME);
        Files.writeString(file, "down\ndown\n");
        assertThat(StatusFile.read(file, 2)).isEmpty();
    }

    @Test
    void aMissingFileReadsAsNothing() throws Exception {
        assertThat(StatusFile.read(dir.resolve("nope"), 2)).isEmpty();
    }

    @Test
    void readsPgpoolsLegacyBinaryFormat() throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        buffer.putInt(0, 2).putInt(4, 3).putInt(8, 1);
        Path file = dir.resolve(StatusFile.NAME);
        Files.write(file, buffer.array());
        assertThat(StatusFile.read(file, 4)).contains(List.of(NodeStatus.UP, NodeStatus.DOWN, NodeStatus.UP,
                NodeStatus.UNUSED));
    }
}
