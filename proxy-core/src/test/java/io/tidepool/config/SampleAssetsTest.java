package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample files in {@code assets/} agree with the catalog. When a definition changes, regenerate
 * them with {@code mvn -pl proxy-core -am verify -Dtest=SampleAssetsTest -Dtidepool.writeAssets=true
 * -Dsurefire.failIfNoSpecifiedTests=false} and commit the result.
 */
class SampleAssetsTest {

    private static final Path ASSETS = Path.of("..", "assets").toAbsolutePath().normalize();
    private static final boolean WRITE = Boolean.getBoolean("tidepool.writeAssets");
    private final ParameterCatalog catalog = ParameterCatalog.standard();

    @Test
    void samplePgpoolConfIsGeneratedFromTheCatalog() throws IOException {
        assertGenerated(ASSETS.resolve("pgpool.conf"), SampleConfigWriter.pgpoolConf(catalog));
    }

    @Test
    void sampleTidepoolConfIsGeneratedFromTheCatalog() throws IOException {
        assertGenerated(ASSETS.resolve("tidepool.conf"), SampleConfigWriter.tidepoolConf(catalog));
    }

    @Test
    void sampleLoadsWithoutWarningsAndDefinesOneBackend() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(ASSETS.resolve("pgpool.conf"));

        assertThat(config.warnings()).isEmpty();
        assertThat(config.backends()).containsExactly(
                new BackendDefinition(0, "localhost", 5432, 1.0, "", BackendFlag.DEFAULT, ""));
        assertThat(config.getInt("worker_threads")).isZero();
    }

    @Test
    void everySettingOfTheSampleUncommentedLoadsAndEqualsTheDefault(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(ASSETS.resolve("pgpool.conf")).stream()
                .map(l -> l.matches("^#[a-z_0-9]+ = .*") ? l.substring(1) : l)
                .toList();
        Files.write(dir.resolve("pgpool.conf"), lines);
        Files.copy(ASSETS.resolve("tidepool.conf"), dir.resolve("tidepool.conf"));
        List<String> tidepool = Files.readAllLines(ASSETS.resolve("tidepool.conf")).stream()
                .map(l -> l.matches("^#[a-z_0-9]+ = .*") ? l.substring(1) : l)
                .toList();
        Files.write(dir.resolve("tidepool.conf"), tidepool);

        PgpoolConfig config = PgpoolConfig.load(dir.resolve("pgpool.conf"));

        assertThat(config.warnings()).isEmpty();
        PgpoolConfig defaults = PgpoolConfig.fromMap(Map.of());
        for (Parameter p : catalog.all()) {
            String key = p.indexing() == Parameter.Indexing.REQUIRED ? p.name() + "0" : p.name();
            assertThat(config.isSet(key)).as(key + " is in the sample").isTrue();
            if (p.indexing() != Parameter.Indexing.REQUIRED) {
                assertThat(config.getString(key)).as(key).isEqualTo(defaults.getString(key));
            }
        }
    }

    @Test
    void samplePcpConfHoldsOnlyCommentsOrUserColonMd5Lines() throws IOException {
        for (String line : Files.readAllLines(ASSETS.resolve("pcp.conf"))) {
            assertThat(line.isEmpty() || line.startsWith("#") || line.matches("[^:#]+:[0-9a-f]{32}"))
                    .as(line).isTrue();
        }
    }

    @Test
    void samplePoolHbaConfLinesHaveTypeDatabaseUserAddressMethod() throws IOException {
        List<String> rules = Files.readAllLines(ASSETS.resolve("pool_hba.conf")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        assertThat(rules).isNotEmpty();
        for (String rule : rules) {
            String[] f = rule.trim().split("\\s+");
            assertThat(f[0]).as(rule).isIn("local", "host", "hostssl", "hostnossl");
            int method = f[0].equals("local") ? 3 : 4;
            assertThat(f[method]).as(rule).isIn("trust", "reject", "md5", "scram-sha-256", "password", "pam",
                    "ldap", "cert");
        }
    }

    private static void assertGenerated(Path file, String generated) throws IOException {
        if (WRITE) {
            Files.writeString(file, generated);
        }
        assertThat(Files.exists(file)).as(file + " exists").isTrue();
        assertThat(Files.readString(file))
                .as(file + " is out of date with the catalog; regenerate it (see SampleAssetsTest)")
                .isEqualTo(generated);
    }
}
