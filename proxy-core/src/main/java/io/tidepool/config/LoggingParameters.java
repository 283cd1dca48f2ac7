package io.tidepool.config;

import static io.tidepool.config.ConnectionParameters.INT_MAX;
import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.enumeration;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.octal;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;
import static io.tidepool.config.ParameterContext.SESSION;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where and what to log, and the files pgpool-II keeps. */
final class LoggingParameters {

    private static final Set<String> DESTINATIONS = Set.of("stderr", "syslog");

    private LoggingParameters() {
    }

    static List<Parameter.Builder> logging() {
        return List.of(
                string("log_destination", "stderr", RELOAD, "where log lines go: stderr, syslog or both")
                        .check(LoggingParameters::checkDestinations),
                string("log_line_prefix", "%m: %a pid %p: ", RELOAD,
                        "printf-style prefix of every log line (%t %m %p %a %d %u ...)"),
                bool("log_connections", "off", RELOAD, "log each accepted client connection"),
                bool("log_disconnections", "off", RELOAD, "log the end of each client session"),
                bool("log_pcp_processes", "off", RELOAD, "log the start and end of PCP sessions"),
                bool("log_hostname", "off", RELOAD, "resolve client addresses to host names in the log"),
                bool("log_statement", "off", SESSION, "log every SQL statement a client sends"),
                bool("log_per_node_statement", "off", SESSION, "log every statement with the node it ran on"),
                bool("notice_per_node_statement", "off", SESSION,
                        "send the client a notice naming the node each statement ran on"),
                bool("log_client_messages", "off", SESSION, "log every protocol message from clients"),
                choice("log_backend_messages", "none", SESSION,
                        "log protocol messages from backends: none, terse (summarised) or verbose",
                        "none", "terse", "verbose"),
                choice("log_standby_delay", "if_over_threshold", RELOAD,
                        "when to log the replication delay of standbys",
                        "always", "if_over_threshold", "none"),
                enumeration("syslog_facility", "LOCAL0", RELOAD, "syslog facility to log under",
                        EnumOption.of("LOCAL0", 0), EnumOption.of("LOCAL1", 1), EnumOption.of("LOCAL2", 2),
                        EnumOption.of("LOCAL3", 3), EnumOption.of("LOCAL4", 4), EnumOption.of("LOCAL5", 5),
                        EnumOption.of("LOCAL6", 6), EnumOption.of("LOCAL7", 7)),
                string("syslog_ident", "pgpool", RELOAD, "program name in syslog entries"),
                enumeration("log_error_verbosity", "default", SESSION,
                        "detail of logged errors: terse, default or verbose",
                        EnumOption.of("terse", 0), EnumOption.of("default", 1), EnumOption.of("verbose", 2)),
                enumeration("client_min_messages", "notice", SESSION,
                        "least severe message level sent to clients", messageLevels()),
                enumeration("log_min_messages", "warning", SESSION,
                        "least severe message level written to the log", messageLevels()),
                bool("logging_collector", "off", RESTART, "capture stderr into rotated log files"),
                string("log_directory", "/tmp/pgpool_logs", RESTART, "directory of the collected log files"),
                string("log_filename", "pgpool-%Y-%m-%d_%H%M%S.log", RESTART,
                        "strftime pattern for collected log file names"),
                octal("log_file_mode", "0600", RESTART, "access mode of new log files, in octal"),
                bool("log_truncate_on_rotation", "off", RESTART,
                        "empty a reused log file on age-based rotation instead of appending"),
                quantity("log_rotation_age", "1d", ValueUnit.MINUTES, 0, INT_MAX, RESTART,
                        "start a new log file after this long; 0 turns it off"),
                quantity("log_rotation_size", "10MB", ValueUnit.KILOBYTES, 0, INT_MAX / 1024, RESTART,
                        "start a new log file after this much output; 0 turns it off"));
    }

    static List<Parameter.Builder> fileLocations() {
        return List.of(
                string("pid_file_name", "/var/run/pgpool/pgpool.pid", RESTART,
                        "file holding the process id; relative to pgpool.conf's directory"),
                string("work_dir", "/tmp", RESTART, "directory for pgpool_status and lock files"));
    }

    /**
     * Message levels with the integer codes pgpool-II prints in SHOW pool_status (spec Appendix A):
     * DEBUG5=10 ... PANIC=22. {@code debug} is an old spelling of debug2.
     */
    private static EnumOption[] messageLevels() {
        return new EnumOption[] {
                EnumOption.of("debug5", 10), EnumOption.of("debug4", 11), EnumOption.of("debug3", 12),
                EnumOption.of("debug2", 13), EnumOption.of("debug1", 14), EnumOption.of("info", 17),
                EnumOption.of("notice", 18), EnumOption.of("warning", 19), EnumOption.of("error", 20),
                EnumOption.of("log", 15), EnumOption.of("fatal", 21), EnumOption.of("panic", 22),
                EnumOption.hidden("debug", 13)};
    }

    private static Optional<String> checkDestinations(Object value) {
        for (String item : ((String) value).split(",")) {
            String destination = item.trim();
            if (!DESTINATIONS.contains(destination)) {
                return Optional.of("unknown destination '" + destination + "'; use stderr, syslog or both");
            }
        }
        return Optional.empty();
    }
}
