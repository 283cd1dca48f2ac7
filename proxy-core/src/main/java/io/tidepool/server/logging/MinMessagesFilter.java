package io.tidepool.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Applies {@code log_min_messages} in PostgreSQL's server-log order (see {@link MessageLevel}):
 * with {@code error}, a {@code WARNING} is dropped while a {@code LOG} line still passes, which
 * a single Logback level threshold cannot express. Logger levels already drop what is below
 * {@link MessageLevel#loggerLevel()}; this filter only sees events that would be written.
 */
public final class MinMessagesFilter extends Filter<ILoggingEvent> {
    private final MessageLevel threshold;

    public MinMessagesFilter(MessageLevel threshold) {
        this.threshold = threshold;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (threshold.admits(MessageLevel.ofEvent(event.getLevel()))) {
            return FilterReply.NEUTRAL;
        }
        return FilterReply.DENY;
    }
}
