package io.tidepool.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The newest lines the engine logged, kept in memory for a viewer in the same process (the
 * console's "proxy log" pane of the embedded engine), and handed to subscribers as they are written.
 *
 * <p>It listens on the {@code io.tidepool} logger rather than the root: {@link LoggingSetup#apply}
 * replaces the root's appenders on every reload, and the engine's own lines are what an operator
 * reads here (libraries' lines stay in the log file). The logger's level, set from
 * {@code log_min_messages}, applies as for every other destination.
 *
 * <p>Threads: {@code append} runs on whichever thread logs; the ring is guarded by its own lock and
 * subscribers are called outside it, on the logging thread, so they must only hand the line over.
 */
public final class LogTail implements AutoCloseable {

    /** The logger whose lines (and its children's) are kept. */
    public static final String ENGINE_LOGGER = "io.tidepool";
    public static final int DEFAULT_CAPACITY = 2000;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    /** One line as written: when, severity word, where, what. */
    public record Line(Instant at, String severity, String logger, String message) {
        public Line {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(logger, "logger");
            Objects.requireNonNull(message, "message");
        }

        /** {@code 2026-11-21 09:00:01.123 LOG:  cluster: node 1 is down} (the class name without its package). */
        public String text() {
            String where = logger.substring(logger.lastIndexOf('.') + 1);
            return TIME.format(at) + " " + severity + ":  " + where + ": " + message;
        }
    }

    private final Logger logger;
    private final int capacity;
    private final Deque<Line> lines = new ArrayDeque<>();
    private final List<Consumer<Line>> listeners = new CopyOnWriteArrayList<>();
    private final Appender appender = new Appender();

    private LogTail(LoggerContext context, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("log tail capacity " + capacity + " must be at least 1");
        }
        this.capacity = capacity;
        this.logger = context.getLogger(ENGINE_LOGGER);
        appender.setContext(context);
        appender.setName("tidepool-log-tail-" + System.identityHashCode(this));
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts keeping the engine's lines of this process (the Logback context SLF4J is bound to). */
    public static LogTail attach(int capacity) {
        return new LogTail((LoggerContext) LoggerFactory.getILoggerFactory(), capacity);
    }

    /** For tests: a given context. */
    public static LogTail attach(LoggerContext context, int capacity) {
        return new LogTail(context, capacity);
    }

    /** The kept lines, oldest first. */
    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Calls {@code listener} with every later line, on the logging thread; close the handle to stop. */
    public AutoCloseable subscribe(Consumer<Line> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public int capacity() {
        return capacity;
    }

    /** Stops keeping lines; the kept ones stay readable. */
    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        listeners.clear();
    }

    private void add(Line line) {
        synchronized (lines) {
            if (lines.size() == capacity) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }
        for (Consumer<Line> l : listeners) {
            try {
                l.accept(line);
            } catch (RuntimeException e) {
                // A viewer's failure must never break the thread that logged.
            }
        }
    }

    private final class Appender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (event.getThrowableProxy() != null) {
                message = message + " (" + ThrowableProxyUtil.asString(event.getThrowableProxy()).lines()
                        .findFirst().orElse("").strip() + ")";
            }
            add(new Line(Instant.ofEpochMilli(event.getTimeStamp()), MessageLevel.ofEvent(event.getLevel()).label(),
                    event.getLoggerName(), message == null ? "" : message));
        }
    }
}
