package io.tidepool.server.logging;

import ch.qos.logback.classic.Level;

import java.util.Locale;
import java.util.Optional;

/**
 * The message severities of PostgreSQL and pgpool-II ({@code log_min_messages},
 * {@code client_min_messages}) and how Tidepool's SLF4J levels map onto them.
 *
 * <p>For the server log PostgreSQL ranks {@code LOG} <em>above</em> {@code ERROR}: with the
 * default {@code log_min_messages = warning}, operational {@code LOG} lines (start-up, node
 * status changes) are written while {@code INFO}/{@code NOTICE} chatter is not. SLF4J's
 * {@code INFO} is Tidepool's {@code LOG}, so the order of {@link #serverLogRank()} is not the
 * order of Logback's levels, and {@link MinMessagesFilter} compares ranks, not levels.
 */
public enum MessageLevel {
    DEBUG5(1),
    DEBUG4(2),
    DEBUG3(3),
    DEBUG2(4),
    DEBUG1(5),
    INFO(6),
    NOTICE(7),
    WARNING(8),
    ERROR(9),
    LOG(10),
    FATAL(11),
    PANIC(12);

    private final int serverLogRank;

    MessageLevel(int serverLogRank) {
        this.serverLogRank = serverLogRank;
    }

    /** Position in the server-log order of PostgreSQL ({@code DEBUG5} lowest, {@code PANIC} highest). */
    public int serverLogRank() {
        return serverLogRank;
    }

    /** Accepts the names pgpool.conf accepts, in any case ({@code debug1}, {@code warning}, ...). */
    public static Optional<MessageLevel> parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        if (name.equals("DEBUG")) {
            return Optional.of(DEBUG2); // PostgreSQL's alias
        }
        for (MessageLevel level : values()) {
            if (level.name().equals(name)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /** The severity a Tidepool log event carries: SLF4J {@code INFO} is {@code LOG}, {@code TRACE} is {@code DEBUG5}. */
    public static MessageLevel ofEvent(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> ERROR;
            case Level.WARN_INT -> WARNING;
            case Level.INFO_INT -> LOG;
            case Level.DEBUG_INT -> DEBUG1;
            default -> DEBUG5;
        };
    }

    /** The word written in a log line, as PostgreSQL writes it ({@code DEBUG} for every debug level). */
    public String label() {
        return serverLogRank <= DEBUG1.serverLogRank ? "DEBUG" : name();
    }

    /**
     * True when an event of severity {@code event} is written under this {@code log_min_messages}.
     * Tidepool raises nothing above {@code ERROR}, so {@code fatal} and {@code panic} keep errors
     * (together with {@link #loggerLevel()}) rather than silencing the log completely.
     */
    public boolean admits(MessageLevel event) {
        MessageLevel effective = serverLogRank > LOG.serverLogRank ? ERROR : this;
        return event.serverLogRank >= effective.serverLogRank;
    }

    /**
     * The most verbose Logback level that can produce a line under this threshold: loggers are
     * set to it so that disabled debug calls cost nothing.
     */
    public Level loggerLevel() {
        if (this == DEBUG1) {
            return Level.DEBUG;
        }
        if (serverLogRank < DEBUG1.serverLogRank) {
            return Level.TRACE;
        }
        if (serverLogRank <= LOG.serverLogRank) {
            return Level.INFO; // LOG (our INFO) passes every threshold up to and including 'log'
        }
        return Level.ERROR; // fatal, panic: Tidepool has no such events; errors are the closest we keep
    }
}
