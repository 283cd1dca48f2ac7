package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.PoolKey;
import io.tidepool.config.ConfigFileOverrides;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.PasswordStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health check logs in to a node that asks for a SCRAM password with an {@code AES} entry of
 * pool_passwd, decrypted with the pool key file given on the command line ({@code -k}). The key's
 * passphrase is random, so neither {@code PGPOOLKEYFILE} nor {@code ~/.pgpoolkey} can hold it: the
 * check passes only if the override is used, which the second test shows by leaving it out.
 */
class HealthCheckPoolKeyIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(0, b -> b.auth(AuthMethod.SCRAM_SHA_256));

    private static final String USER = "checker";
    private static final String PASSWORD = "checker secret";

    @TempDir
    Path dir;

    private ClusterCoordinator coordinator;

    @BeforeAll
    static void checkerRole() {
        pg.cluster().createUser(USER, PASSWORD, PasswordStorage.SCRAM_SHA_256);
    }

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    /** pgpool.conf whose health check finds its password in pool_passwd as AES; returns it with the key file written beside. */
    private PgpoolConfig configWithAesEntry(Path keyFile) throws Exception {
        PoolKey key = PoolKey.of("key-" + UUID.randomUUID());
        Files.writeString(keyFile, key.passphrase() + "\n");
        Files.writeString(dir.resolve("pool_passwd"), USER + ":" + new AesPasswordCipher(key).encrypt(PASSWORD) + "\n");
        return ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of("health_check_user", "'" + USER + "'",
                "health_check_password", "''", "pool_passwd", "'pool_passwd'", "health_check_period", "1",
                "health_check_max_retries", "0", "sr_check_period", "0", "connect_timeout", "5000"));
    }

    private ClusterCoordinator start(PgpoolConfig config) {
        coordinator = new ClusterCoordinator(ClusterSettings.fromConfig(config), ClusterCoordinator.Options.defaults());
        coordinator.start();
        return coordinator;
    }

    @Test
    void anAesPasswordIsDecryptedWithTheKeyFileGivenOnTheCommandLine() throws Exception {
        Path keyFile = Files.createDirectory(dir.resolve("elsewhere")).resolve("tidepool.key");
        start(configWithAesEntry(keyFile).withFileOverrides(ConfigFileOverrides.NONE.withPoolKey(keyFile)));

        Await.until(Duration.ofSeconds(30), () -> coordinator.healthCheckStatistics(0).successCount() >= 2);
        assertThat(coordinator.healthCheckStatistics(0).failCount()).isZero();
        assertThat(coordinator.snapshot().nodes().get(0).status()).isEqualTo(NodeStatus.UP);
    }

    @Test
    void withoutTheOverrideTheSameEntryCannotLogIn() throws Exception {
        Path keyFile = Files.createDirectory(dir.resolve("elsewhere")).resolve("tidepool.key");
        start(configWithAesEntry(keyFile));

        Await.until(Duration.ofSeconds(30), () -> coordinator.healthCheckStatistics(0).failCount() >= 1);
        assertThat(coordinator.healthCheckStatistics(0).successCount()).isZero();
        assertThat(coordinator.journal().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.NODE_DOWN);
            assertThat(e.message()).contains("health check failed").contains("password");
        });
    }
}
