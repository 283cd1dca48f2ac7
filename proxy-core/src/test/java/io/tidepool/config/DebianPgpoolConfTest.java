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
    /** The package's pristine copy from which /etc/pgpool2/pgpool.conf is made; world-readable. */
    private static final Path SHARE_CONF = Path.of("/usr/share/pgpool2/pgpool.conf");
    private static final List<Path> SAMPLE_DIRS = List.of(
            Path.of("/usr/share/doc/pgpool2/examples"), Path.of("/usr/share/pgpool2"));

    @Test
    void packagedPgpoolConfLoadsWithoutErrorsOrWarnings() throws Exception {
        Path conf = packagedConf();
        PgpoolConfig config = PgpoolConfig.load(conf);

        assertThat(config.warnings()).isEmpty();
        assertThat(config.getOption("backend_clustering_mode").name()).isEqualTo("streaming_replication");
        assertThat(config.backends()).isEmpty();
        assertThat(config.sourceFile()).contains(conf);
        assertThat(config.directory()).isEqualTo(conf.getParent());
        assertThat(config.poolHbaFile()).isEqualTo(conf.getParent().resolve("pool_hba.conf"));
    }

    @Test
    void everyCommentedOutSettingOfThePackagedFileIsAValidSetting() throws Exception {
        // Debian's file lists nearly every parameter commented out with its value; uncommenting
        // them all must still load: this checks names, types and ranges against a real file.
        Path conf = packagedConf();
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
    void everyPackagedSampleLoads() throws Exception {
        List<Path> samples = new java.util.ArrayList<>();
        for (Path dir : SAMPLE_DIRS) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(p -> p.getFileName().toString().startsWith("pgpool.conf")).forEach(samples::add);
                }
            }
        }
        if (samples.isEmpty()) {
            fail("no pgpool.conf sample under " + SAMPLE_DIRS + ": install Debian's pgpool2 package"
                    + " (apt-get install pgpool2), which './tidepool test' does when it can");
        }
        for (Path sample : samples) {
            PgpoolConfig config = PgpoolConfig.load(sample);
            assertThat(config.getInt("pcp_port")).as(sample.toString()).isEqualTo(9898);
        }
    }

    /** /etc/pgpool2/pgpool.conf, or the package's identical pristine copy when /etc's is not readable. */
    private static Path packagedConf() {
        if (Files.isReadable(ETC_CONF)) {
            return ETC_CONF;
        }
        if (Files.isReadable(SHARE_CONF)) {
            return SHARE_CONF;
        }
        return fail(ETC_CONF + " and " + SHARE_CONF + " are missing or unreadable: install Debian's pgpool2"
                + " package (apt-get install pgpool2), which './tidepool test' does when it can");
    }
}
