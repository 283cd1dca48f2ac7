package io.tidepool.server.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Pattern word {@code %pgseverity}: the PostgreSQL severity of an event ({@code LOG}, {@code WARNING}, ...). */
public final class SeverityConverter extends ClassicConverter {
    /** The conversion word registered by {@link LoggingSetup}. */
    public static final String WORD = "pgseverity";

    @Override
    public String convert(ILoggingEvent event) {
        return MessageLevel.ofEvent(event.getLevel()).label();
    }
}
