package io.tidepool.server.logging;

import io.tidepool.config.PgpoolConfig;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
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
                    Path.of(config.getString("log_directory")),
                    StrftimeFormat.of(config.getString("log_filename")),
                    parseMinutes(config.getString("log_rotation_age")),
                    parseKilobytes(config.getString("log_rotation_size")),
                    config.getBoolean("log_truncate_on_rotation"),
                    parseFileMode(config.getString("log_file_mode"))));
        }
        return new LogSettings(stderr || !syslog, syslog,
                config.getString("log_line_prefix"), min,
                ErrorVerbosity.parse(config.getString("log_error_verbosity")).orElse(ErrorVerbosity.DEFAULT),
                config.getString("syslog_facility"), config.getString("syslog_ident"), collector);
    }

    /** A time in PostgreSQL's notation: a bare number is minutes; {@code s min h d} units. */
    static Duration parseMinutes(String text) {
        UnitValue v = UnitValue.parse(text);
        return switch (v.unit) {
            case "", "min" -> Duration.ofMinutes(v.amount);
            case "s" -> Duration.ofSeconds(v.amount);
            case "ms" -> Duration.ofMillis(v.amount);
            case "h" -> Duration.ofHours(v.amount);
            case "d" -> Duration.ofDays(v.amount);
            default -> throw new IllegalArgumentException("invalid time '" + text + "' (units: ms, s, min, h, d)");
        };
    }

    /** A size in PostgreSQL's notation: a bare number is kilobytes; {@code B kB MB GB} units. Returns bytes. */
    static long parseKilobytes(String text) {
        UnitValue v = UnitValue.parse(text);
        return switch (v.unit.toLowerCase(Locale.ROOT)) {
            case "", "kb" -> v.amount * 1024L;
            case "b" -> v.amount;
            case "mb" -> v.amount * 1024L * 1024L;
            case "gb" -> v.amount * 1024L * 1024L * 1024L;
            default -> throw new IllegalArgumentException("invalid size '" + text + "' (units: B, kB, MB, GB)");
        };
    }

    /** {@code 0600} (octal, as in pgpool.conf) or its decimal value {@code 384}. */
    static Set<PosixFilePermission> parseFileMode(String text) {
        String t = text.trim();
        int mode = t.length() > 1 && t.startsWith("0") ? Integer.parseInt(t.substring(1), 8) : Integer.parseInt(t);
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

    private record UnitValue(long amount, String unit) {
        static UnitValue parse(String text) {
            String t = text.trim();
            int end = 0;
            while (end < t.length() && (Character.isDigit(t.charAt(end)) || (end == 0 && t.charAt(0) == '-'))) {
                end++;
            }
            if (end == 0 || (end == 1 && t.charAt(0) == '-')) {
                throw new IllegalArgumentException("invalid value '" + text + "'");
            }
            return new UnitValue(Long.parseLong(t.substring(0, end)), t.substring(end).trim());
        }
    }
}
