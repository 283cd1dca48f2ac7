package io.tidepool.harness;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A static fresh extension gives the class one cluster of its own, which @Nested classes share. */
class PgClusterExtensionClassScopeIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(1);

    private static Path outerDirectory;

    @Test
    void classGetsItsOwnStreamingCluster() {
        outerDirectory = pg.cluster().baseDirectory();

        assertThat(pg.cluster().isTemporary()).isTrue();
        assertThat(pg.primary().query("select state from pg_stat_replication")).hasSize(1);
    }

    @Nested
    class NestedTests {
        @Test
        void nestedClassSharesTheOuterClassesCluster() {
            assertThat(pg.cluster().baseDirectory()).isEqualTo(outerDirectory);
            assertThat(pg.primary().isRunning()).isTrue();
        }
    }
}
