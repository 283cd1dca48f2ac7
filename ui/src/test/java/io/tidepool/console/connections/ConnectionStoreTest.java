package io.tidepool.console.connections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionStoreTest {

    @TempDir
    Path dir;

    @Test
    void missingFileMeansNoConnections() throws Exception {
        assertThat(new ConnectionStore(dir.resolve("none.json")).load()).isEmpty();
    }

    @Test
    void savedConnectionsReadBackAndFileIsOwnerOnlyWithoutPasswords() throws Exception {
        ConnectionStore store = new ConnectionStore(dir.resolve("tidepool/connections.json"));
        ConnectionProfile a = ConnectionProfile.pgpool("a", "127.0.0.1", 9999, "postgres", 9898, "pcpadmin");
        ConnectionProfile b = ConnectionProfile.pgpool("b", "db2", 5433, "app", 0, "app");

        store.save(List.of(a, b));

        assertThat(store.load()).containsExactly(a, b);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(Files.readString(store.file()).toLowerCase()).doesNotContain("password");
    }

    @Test
    void upsertReplacesByName() throws Exception {
        ConnectionStore store = new ConnectionStore(dir.resolve("c.json"));
        store.save(List.of(ConnectionProfile.pgpool("a", "h1", 1, "u", 0, "u")));

        List<ConnectionProfile> all = store.upsert(ConnectionProfile.pgpool("a", "h2", 2, "u", 0, "u"));

        assertThat(all).singleElement().extracting(ConnectionProfile::host).isEqualTo("h2");
    }

    @Test
    void brokenFileIsReportedWithItsPath() throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{not json");

        assertThatThrownBy(() -> new ConnectionStore(file).load()).hasMessageContaining(file.toString());
    }
}
