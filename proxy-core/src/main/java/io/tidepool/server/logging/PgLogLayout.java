package io.tidepool.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a log line the way pgpool-II and PostgreSQL do, so that existing log parsers and
 * habits keep working: {@code <log_line_prefix>SEVERITY:  message}, e.g.
 * {@code 2026-11-21 07:40:01.123 UTC: main pid 4242: LOG:  listening on 0.0.0.0:9999}.
 *
 * <p>Usable from {@code logback.xml} ({@code <prefix>} and {@code <verbosity>} properties)
 * and built programmatically by {@link LoggingSetup}. {@code %l} counts the lines this layout
 * has written.
 */
public final class PgLogLayout extends LayoutBase<ILoggingEvent> {
    private static final int MAX_CAUSES = 16;

    private LogLinePrefix prefix = LogLinePrefix.parse("%m: %a pid %p: ");
    private ErrorVerbosity verbosity = ErrorVerbosity.DEFAULT;
    private final AtomicLong lineNumber = new AtomicLong();

    public PgLogLayout() {
    }

    public PgLogLayout(LogLinePrefix prefix, ErrorVerbosity verbosity) {
        this.prefix = prefix;
        this.verbosity = verbosity;
    }

    /** Logback property: the {@code log_line_prefix} text. */
    public void setPrefix(String text) {
        this.prefix = LogLinePrefix.parse(text);
    }

    /** Logback property: {@code terse}, {@code default} or {@code verbose}. */
    public void setVerbosity(String text) {
        this.verbosity = ErrorVerbosity.parse(text)
                .orElseThrow(() -> new IllegalArgumentException("unknown log_error_verbosity '" + text + "'"));
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        prefix.render(line, event.getInstant(), event.getMDCPropertyMap(), event.getThreadName(),
                lineNumber.incrementAndGet());
        line.append(MessageLevel.ofEvent(event.getLevel()).label()).append(":  ");
        line.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            appendThrowable(line, thrown, event.getFormattedMessage());
        }
        return line.toString();
    }

    /**
     * DEFAULT verbosity: one DETAIL line per exception of the cause chain whose message says
     * something new; messages are often built from their cause's, and a start-up failure logged
     * as "could not listen on ...: Address already in use" needs no DETAIL repeating it twice.
     */
    private void appendThrowable(StringBuilder line, IThrowableProxy thrown, String message) {
        switch (verbosity) {
            case TERSE -> {
            }
            case DEFAULT -> {
                StringBuilder said = new StringBuilder(message);
                int depth = 0; // bounded: a cause chain may be cyclic
                for (IThrowableProxy t = thrown; t != null && depth++ < MAX_CAUSES; t = t.getCause()) {
                    if (t.getMessage() != null && !t.getMessage().isEmpty() && said.indexOf(t.getMessage()) >= 0) {
                        continue;
                    }
                    said.append('\n').append(t.getMessage());
                    line.append("DETAIL:  ").append(t.getClassName());
                    if (t.getMessage() != null) {
                        line.append(": ").append(t.getMessage());
                    }
                    line.append(CoreConstants.LINE_SEPARATOR);
                }
            }
            case VERBOSE -> line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        }
    }
}
