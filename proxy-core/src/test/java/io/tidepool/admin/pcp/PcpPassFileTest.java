package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcpPassFileTest {

    @Test
    void firstMatchingLineWinsAndStarMatchesAnything() {
        String content = "otherhost:9898:pcpadmin:wrong\n*:9898:pcpadmin:right\n*:*:*:fallback\n";
        assertThat(PcpPassFile.lookup(content, "localhost", 9898, "pcpadmin")).contains("right");
        assertThat(PcpPassFile.lookup(content, "localhost", 9999, "pcpadmin")).contains("fallback");
    }

    @Test
    void backslashEscapesColonAndBackslash() {
        String content = "h\\:x:9898:u:pa\\:ss\\\\word\n";
        assertThat(PcpPassFile.lookup(content, "h:x", 9898, "u")).contains("pa:ss\\word");
    }

    @Test
    void noMatchIsEmpty() {
        assertThat(PcpPassFile.lookup("a:1:b:c\n", "a", 2, "b")).isEmpty();
    }

    @Test
    void ignoresAFileOthersCanRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".pcppass");
        Files.writeString(file, "*:*:*:secret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> warnings = new ArrayList<>();
        assertThat(PcpPassFile.lookup(file, "localhost", 9898, "u", warnings::add)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("group or world access");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(PcpPassFile.lookup(file, "localhost", 9898, "u", warnings::add)).contains("secret");
    }

    @Test
    void locationComesFromPcppassfileElseHome() {
        assertThat(PcpPassFile.location(Map.of("PCPPASSFILE", "/x/y", "HOME", "/h"))).isEqualTo(Path.of("/x/y"));
        assertThat(PcpPassFile.location(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.pcppass"));
    }

    @Test
    void defaultSocketDirectoryMatchesAsLocalhost() {
        assertThat(new PcpEndpoint("", 9898).pcppassHost()).isEqualTo("localhost");
        assertThat(new PcpEndpoint("/tmp", 9898).pcppassHost()).isEqualTo("localhost");
        assertThat(new PcpEndpoint("/var/run", 9898).pcppassHost()).isEqualTo("/var/run");
        assertThat(new PcpEndpoint("db1", 9898).pcppassHost()).isEqualTo("db1");
    }
}
