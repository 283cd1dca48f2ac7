package io.tidepool.harness;

import io.tidepool.ops.local.LocalCluster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A fresh-per-test extension gives every test its own running cluster and removes it afterwards. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgClusterExtensionIT {

    private static Path firstTestsDirectory;
    private static LocalCluster firstTestsCluster;

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(0, builder -> builder.setting("max_connections", "42"));

    @Test
    @Order(1)
    void testMayDamageItsOwnCluster() {
        firstTestsCluster = pg.cluster();
        firstTestsDirectory = pg.cluster().baseDirectory();
        assertThat(pg.primary().queryValue("show max_connections")).contains("42");

        pg.primary().kill();
    }

    @Test
    @Order(2)
    void nextTestGetsANewRunningClusterAndThePreviousOneIsGone() {
        assertThat(pg.primary().isRunning()).isTrue();
        assertThat(pg.cluster().baseDirectory()).isNotEqualTo(firstTestsDirectory);
        assertThat(firstTestsCluster.isDestroyed()).isTrue();
        assertThat(firstTestsDirectory).doesNotExist();
    }
}
