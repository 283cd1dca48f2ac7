package io.tidepool.server.logging;

import io.tidepool.config.PgpoolConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogSettingsTest {

    @Test
    void pgpoolDefaultsLogToStderrAtWarningWithoutCollector() throws Exception {
        LogSettings settings = LogSettings.from(PgpoolConfig.fromMap(Map.of()), false);
        assertThat(settings).isEqualTo(LogSettings.defaults());
    }

    @Test
    void readsTheCollectorParameters() throws Exception {
        LogSettings settings = LogSettings.from(PgpoolConfig.fromMap(Map.of(
                "logging_collector", "on",
                "log_directory", "/var/log/tidepool",
                "log_filename", "tidepool-%a.log",
                "log_rotation_age", "2h",
                "log_rotation_size", "5MB",
                "log_truncate_on_rotation", "on",
                "log_file_mode", "0640")), false);
        assertThat(settings.collector()).hasValueSatisfying(collector -> {
            assertThat(collector.directory()).isEqualTo(Path.of("/var/log/tidepool"));
            assertThat(collector.filename()).isEqualTo(StrftimeFormat.of("tidepool-%a.log"));
            assertThat(collector.rotationAge()).isEqualTo(Duration.ofHours(2));
            assertThat(collector.rotationSizeBytes()).isEqualTo(5L * 1024 * 1024);
            assertThat(collector.truncateOnRotation()).isTrue();
            assertThat(PosixFilePermissions.toString(collector.fileMode())).isEqualTo("rw-r-----");
        });
    }

    @Test
    void readsDestinationsLevelAndPrefix() throws Exception {
        LogSettings settings = LogSettings.from(PgpoolConfig.fromMap(Map.of(
                "log_destination", "stderr,syslog",
                "log_min_messages", "error",
                "log_error_verbosity", "verbose",
                "log_line_prefix", "'%t [%p] '", // quoted, as in a file: unquoted trailing spaces are trimmed
                "syslog_facility", "LOCAL3",
                "syslog_ident", "tidepool")), false);
        assertThat(settings.toStderr()).isTrue();
        assertThat(settings.toSyslog()).isTrue();
        assertThat(settings.minMessages()).isEqualTo(MessageLevel.ERROR);
        assertThat(settings.verbosity()).isEqualTo(ErrorVerbosity.VERBOSE);
        assertThat(settings.linePrefix()).isEqualTo("%t [%p] ");
        assertThat(settings.syslogFacility()).isEqualTo("LOCAL3");
        assertThat(settings.syslogIdent()).isEqualTo("tidepool");
    }

    @Test
    void syslogAloneLeavesStderrOut() throws Exception {
        LogSettings settings = LogSettings.from(PgpoolConfig.fromMap(Map.of("log_destination", "syslog")), false);
        assertThat(settings.toStderr()).isFalse();
        assertThat(settings.toSyslog()).isTrue();
    }

    @Test
    void debugFlagLowersTheThresholdToDebug1ButNeverRaisesIt() throws Exception {
        assertThat(LogSettings.from(PgpoolConfig.fromMap(Map.of()), true).minMessages()).isEqualTo(MessageLevel.DEBUG1);
        assertThat(LogSettings.from(PgpoolConfig.fromMap(Map.of("log_min_messages", "debug4")), true).minMessages())
                .isEqualTo(MessageLevel.DEBUG4);
    }
}
