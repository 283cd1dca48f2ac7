package io.tidepool.ops.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgBinariesTest {

    @Test
    void emptyDirectoryFailsNamingTheMissingProgramsAndThePackageToInstall(@TempDir Path empty) {
        assertThatThrownBy(() -> PgBinaries.in(empty))
                .isInstanceOf(PgBinariesMissingException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("initdb, postgres, pg_ctl, pg_basebackup")
                .hasMessageContaining("apt-get install postgresql postgresql-contrib");
    }

    @Test
    void overridePropertyIsTheOnlyPlaceLookedAt(@TempDir Path empty) {
        String previous = System.getProperty(PgBinaries.BINDIR_PROPERTY);
        System.setProperty(PgBinaries.BINDIR_PROPERTY, empty.toString());
        try {
            assertThatThrownBy(PgBinaries::locate)
                    .isInstanceOf(PgBinariesMissingException.class)
                    .hasMessageContaining("missing in " + empty);
        } finally {
            if (previous == null) {
                System.clearProperty(PgBinaries.BINDIR_PROPERTY);
            } else {
                System.setProperty(PgBinaries.BINDIR_PROPERTY, previous);
            }
        }
    }

    @Test
    void directoryLackingOneProgramNamesOnlyThatOne(@TempDir Path dir) throws Exception {
        for (String program : new String[] {"initdb", "postgres", "pg_ctl"}) {
            Path file = Files.writeString(dir.resolve(program), "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        assertThatThrownBy(() -> PgBinaries.in(dir))
                .hasMessageContaining("missing in " + dir + ": pg_basebackup;");
    }

    @Test
    void versionIsReadFromPgCtl(@TempDir Path dir) throws Exception {
        for (String program : PgBinaries.SERVER_PROGRAMS) {
            Path file = Files.writeString(dir.resolve(program), "#!/bin/sh\necho '" + program + " (PostgreSQL) 16.4'\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        PgBinaries binaries = PgBinaries.in(dir);

        assertThat(binaries.majorVersion()).isEqualTo(16);
        assertThat(binaries.version()).isEqualTo("16.4");
        assertThat(binaries.pgCtl()).isEqualTo(dir.resolve("pg_ctl"));
    }
}
