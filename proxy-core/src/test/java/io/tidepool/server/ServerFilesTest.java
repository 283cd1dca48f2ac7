package io.tidepool.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ServerFilesTest {
    @TempDir
    Path dir;

    @Test
    void pcpAndHbaFilesDefaultToTheConfigDirectory() {
        ServerFiles files = ServerFiles.resolve(dir.resolve("pgpool.conf"), null, null, dir.resolve("key"));
        assertThat(files.pcpFile()).isEqualTo(dir.resolve("pcp.conf"));
        assertThat(files.hbaFile()).isEqualTo(dir.resolve("pool_hba.conf"));
        assertThat(files.keyFile()).isEqualTo(dir.resolve("key"));
    }

    @Test
    void explicitFilesWin() {
        ServerFiles files = ServerFiles.resolve(dir.resolve("pgpool.conf"), dir.resolve("a/pcp.conf"),
                dir.resolve("b/hba.conf"), null);
        assertThat(files.pcpFile()).isEqualTo(dir.resolve("a/pcp.conf"));
        assertThat(files.hbaFile()).isEqualTo(dir.resolve("b/hba.conf"));
    }

    @Test
    void takesTheFirstConfigOfTheSearchPath() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("b"));
        java.nio.file.Files.writeString(dir.resolve("b/pgpool.conf"), "");
        java.nio.file.Files.createDirectories(dir.resolve("c"));
        java.nio.file.Files.writeString(dir.resolve("c/pgpool.conf"), "");
        ServerFiles files = ServerFiles.resolve(null, null, null, null,
                java.util.List.of(dir.resolve("a/pgpool.conf"), dir.resolve("b/pgpool.conf"), dir.resolve("c/pgpool.conf")));
        assertThat(files.configFile()).isEqualTo(dir.resolve("b/pgpool.conf"));
        assertThat(files.pcpFile()).isEqualTo(dir.resolve("b/pcp.conf"));
    }

    @Test
    void saysWhereItLookedWhenNoConfigIsFound() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerFiles.resolve(null, null, null, null,
                        java.util.List.of(Path.of("pgpool.conf"), dir.resolve("etc/pgpool.conf"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no pgpool.conf found (looked at pgpool.conf, " + dir.resolve("etc/pgpool.conf")
                        + "); give one with -f");
    }
}
