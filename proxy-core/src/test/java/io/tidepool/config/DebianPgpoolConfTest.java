package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Real pgpool.conf files shipped by Debian's pgpool2 package must load unchanged. {@code ./tidepool test}
 * installs the package; without it these tests fail (never skip) and say what to install.
 */
class DebianPgpoolConfTest {

    private static final Path ETC_CONF = Path.of("/etc/pgpool2/pgpool.conf");
    private static final Path SAMPLE_CONF = Path.of("/usr/share/doc/pgpool2/examples/pgpool.conf.sample");
    private static final Path SHARE_CONF = Path.of("/usr/share/pgpool2/pgpool.conf");

    @Test
    void packagedPgpoolConfLoadsWithoutErrorsOrWarnings() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(require(ETC_CONF));

        assertThat(config.warnings()).isEmpty();
        assertThat(config.getOption("backend_clustering_mode").name()).isEqualTo("streaming_replication");
        assertThat(config.backends()).isEmpty();
        assertThat(config.sourceFile()).contains(ETC_CONF);
        assertThat(config.directory()).isEqualTo(ETC_CONF.getParent());
        assertThat(config.poolHbaFile()).isEqualTo(Path.of("/etc/pgpool2/pool_hba.conf"));
    }

    @Test
    void everyCommentedOutSettingOfThePackagedFileIsAValidSetting() throws Exception {
        // Debian's file lists nearly every parameter commented out with its value; uncommenting
        // them all must still load: this checks names, types and ranges against a real file.
        Path conf = require(ETC_CONF);
        Path dir = Files.createTempDirectory("debian-uncommented");
        Path copy = dir.resolve("pgpool.conf");
        List<String> lines = Files.readAllLines(conf).stream()
                .map(l -> l.matches("^#[a-z_0-9]+ *=.*") ? l.substring(1) : l)
                .toList();
        Files.write(copy, lines);

        PgpoolConfig config = PgpoolConfig.load(copy);

        assertThat(config.settings()).hasSizeGreaterThan(150);
        assertThat(config.backends()).extracting(BackendDefinition::hostname).containsExactly("host1", "host2");
        assertThat(config.getDuration("child_life_time")).hasMinutes(5);
        assertThat(config.getLong("memqcache_total_size")).isEqualTo(64L * 1024 * 1024);
        assertThat(config.getInt("log_rotation_size")).isEqualTo(10 * 1024);
        assertThat(config.getInt("log_file_mode")).isEqualTo(0600);
        // The 4.3 file still uses names that later releases renamed: warned, value carried over.
        assertThat(config.warnings()).extracting(ConfigProblem::message)
                .anySatisfy(m -> assertThat(m).contains("'socket_dir' is deprecated").contains("unix_socket_directories"))
                .anySatisfy(m -> assertThat(m).contains("'logdir' is deprecated").contains("work_dir"));
        assertThat(config.getList("unix_socket_directories")).containsExactly("/var/run/postgresql");
        assertThat(config.getString("work_dir")).isEqualTo("/var/log/postgresql");
    }

    @Test
    void packagedSampleFilesLoad() throws Exception {
        for (Path sample : Stream.of(SAMPLE_CONF, SHARE_CONF).filter(Files::exists).toList()) {
            PgpoolConfig config = PgpoolConfig.load(sample);
            assertThat(config.getInt("pcp_port")).as(sample.toString()).isEqualTo(9898);
        }
    }

    private static Path require(Path file) {
        if (!Files.isReadable(file)) {
            fail(file + " is missing: install Debian's pgpool2 package (apt-get install pgpool2), "
                    + "which './tidepool test' does when it can");
        }
        return file;
    }
}
