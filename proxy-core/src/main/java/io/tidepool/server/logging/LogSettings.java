package io.tidepool.server.logging;

import io.tidepool.config.PgpoolConfig;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@link LoggingSetup} needs, read from the {@code log_*} parameters of pgpool.conf.
 *
 * @param toStderr {@code log_destination} contains {@code stderr}
 * @param toSyslog {@code log_destination} contains {@code syslog}
 * @param collector present when {@code logging_collector = on}: what would go to stderr goes to files
 */
public record LogSettings(
        boolean toStderr,
        boolean toSyslog,
        String linePrefix,
        MessageLevel minMessages,
        ErrorVerbosity verbosity,
        String syslogFacility,
        String syslogIdent,
        Optional<CollectorSettings> collector) {

    /** pgpool-II's defaults: stderr, {@code '%m: %a pid %p: '}, warning, no collector. */
    public static LogSettings defaults() {
        return new LogSettings(true, false, "%m: %a pid %p: ", MessageLevel.WARNING, ErrorVerbosity.DEFAULT,
                "LOCAL0", "pgpool", Optional.empty());
    }

    /**
     * Reads the logging parameters. {@code debug} is the command line's {@code -d}: it lowers
     * {@code log_min_messages} to {@code debug1} when the file asks for less.
     */
    public static LogSettings from(PgpoolConfig config, boolean debug) {
        boolean stderr = false;
        boolean syslog = false;
        for (String destination : config.getList("log_destination")) {
            switch (destination.toLowerCase(Locale.ROOT)) {
                case "stderr" -> stderr = true;
                case "syslog" -> syslog = true;
                default -> {
                    // The catalog rejects other values; nothing to do here.
                }
            }
        }
        MessageLevel min = MessageLevel.parse(config.getString("log_min_messages")).orElse(MessageLevel.WARNING);
        if (debug && min.serverLogRank() > MessageLevel.DEBUG1.serverLogRank()) {
            min = MessageLevel.DEBUG1;
        }
        Optional<CollectorSettings> collector = Optional.empty();
        if (config.getBoolean("logging_collector")) {
            collector = Optional.of(new CollectorSettings(
                    config.resolvePath(config.getString("log_directory")),
                    StrftimeFormat.of(config.getString("log_filename")),
                    config.getDuration("log_rotation_age"),
                    config.getLong("log_rotation_size") * 1024L, // the catalog's unit is kB
                    config.getBoolean("log_truncate_on_rotation"),
                    fileMode(config.getInt("log_file_mode"))));
        }
        return new LogSettings(stderr || !syslog, syslog,
                config.getString("log_line_prefix"), min,
                ErrorVerbosity.parse(config.getString("log_error_verbosity")).orElse(ErrorVerbosity.DEFAULT),
                config.getString("syslog_facility"), config.getString("syslog_ident"), collector);
    }

    /** A Unix mode ({@code 0600} in pgpool.conf) as permissions; bits above 0777 are ignored. */
    static Set<PosixFilePermission> fileMode(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }
}
