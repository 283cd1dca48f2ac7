package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstalledPcpToolsTest {

    @Test
    void readsTheReleaseFromTheToolsVersionLine() {
        assertThat(InstalledPcpTools.parseVersion("pcp_node_info (pgpool-II) 4.3.5")).hasValue("4.3.5");
        assertThat(InstalledPcpTools.parseVersion("pcp_node_info (pgpool-II) 4.7.2\n")).hasValue("4.7.2");
        assertThat(InstalledPcpTools.parseVersion("pcp_node_info (pgpool-II) 4.4")).hasValue("4.4");
        assertThat(InstalledPcpTools.parseVersion("")).isEmpty();
        assertThat(InstalledPcpTools.parseVersion("pcp_node_info: invalid option -- '-'")).isEmpty();
        assertThat(InstalledPcpTools.parseVersion("pcp_node_info (Tidepool) 0.1.0")).isEmpty();
    }

    @Test
    void skipsMissingToolsAndOnesThatDoNotSayTheirRelease(@TempDir Path dir) throws Exception {
        Path silent = script(dir.resolve("silent"), "exit 1");
        Path real = script(dir.resolve("pcp_node_info"), "echo 'pcp_node_info (pgpool-II) 4.3.5'");

        assertThat(InstalledPcpTools.ask(List.of(dir.resolve("missing"), silent))).isEmpty();
        assertThat(InstalledPcpTools.ask(List.of(dir.resolve("missing"), silent, real)))
                .hasValue(new InstalledPcpTools.Found(real, "4.3.5"));
    }

    @Test
    void autoServesTheInstalledReleaseAndOtherwiseTheNewestLayout() {
        Optional<InstalledPcpTools.Found> debian12 = Optional.of(new InstalledPcpTools.Found(Path.of("/usr/sbin/pcp_node_info"), "4.3.5"));
        assertThat(PcpServerSettings.nodeInfoLayout("auto", () -> debian12)).isEqualTo(NodeInfoLayout.V4_3);
        assertThat(PcpServerSettings.nodeInfoLayout("auto", Optional::empty)).isEqualTo(NodeInfoLayout.NEWEST);
        Optional<InstalledPcpTools.Found> ancient = Optional.of(new InstalledPcpTools.Found(Path.of("/usr/bin/pcp_node_info"), "4.1.9"));
        assertThat(PcpServerSettings.nodeInfoLayout("auto", () -> ancient)).isEqualTo(NodeInfoLayout.NEWEST);
        // an explicit release wins and nothing is asked
        assertThat(PcpServerSettings.nodeInfoLayout("4.4", () -> {
            throw new AssertionError("asked the installed tools although a release was configured");
        })).isEqualTo(NodeInfoLayout.V4_4);
    }

    private static Path script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
