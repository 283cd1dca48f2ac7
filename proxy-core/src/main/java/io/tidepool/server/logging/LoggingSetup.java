package io.tidepool.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.List;
import java.util.Optional;

/**
 * Configures Logback from {@link LogSettings}, in code rather than XML: the settings come from
 * pgpool.conf and change on reload. The server jar has no {@code logback.xml}: its main method
 * applies {@link LogSettings#defaults()} before anything else, then pgpool.conf's settings.
 *
 * <p>A reload calls {@link #apply} again. The collector's open file is kept when its file
 * settings did not change (only the line format and threshold are swapped), so a reload
 * does not start a new log file.
 *
 * <p>Syslog: Java cannot write to the local {@code /dev/log} datagram socket, so lines go to
 * a syslog daemon over UDP on {@code 127.0.0.1:514} (rsyslog: {@code module(load="imudp")}
 * {@code input(type="imudp" address="127.0.0.1" port="514")}). Under systemd, stderr already
 * reaches the journal, which is usually the simpler choice.
 */
public final class LoggingSetup {
    /** Libraries whose INFO/DEBUG lines mean nothing to a DBA; they log at WARNING unless debug2 or finer. */
    private static final List<String> LIBRARIES = List.of(
            "io.netty", "org.postgresql", "net.sf.jsqlparser", "com.jcraft", "com.github.benmanes");

    private final LoggerContext context;
    private final Clock clock;
    private final String syslogHost;
    private final int syslogPort;
    private CollectorFileAppender collector;

    private LoggingSetup(LoggerContext context, Clock clock, String syslogHost, int syslogPort) {
        this.context = context;
        this.clock = clock;
        this.syslogHost = syslogHost;
        this.syslogPort = syslogPort;
    }

    /**
     * The one setup of the process-wide Logback context (the one SLF4J is bound to): the server
     * applies pgpool.conf through it, a reload re-applies, and PCP's log rotation calls
     * {@link #rotate()} on the same instance.
     */
    public static LoggingSetup forProcess() {
        return ProcessWide.INSTANCE;
    }

    private static final class ProcessWide {
        static final LoggingSetup INSTANCE = new LoggingSetup((LoggerContext) LoggerFactory.getILoggerFactory(),
                Clock.systemDefaultZone(), "127.0.0.1", 514);
    }

    /** For tests: a given context, clock and syslog endpoint. */
    public static LoggingSetup forContext(LoggerContext context, Clock clock, String syslogHost, int syslogPort) {
        return new LoggingSetup(context, clock, syslogHost, syslogPort);
    }

    /**
     * Replaces the destinations, format and thresholds. Throws, leaving the previous
     * configuration in place, when a log file cannot be opened.
     */
    public synchronized void apply(LogSettings settings) throws IOException {
        PgLogLayout layout = new PgLogLayout(LogLinePrefix.parse(settings.linePrefix()), settings.verbosity());
        layout.setContext(context);
        layout.start();

        CollectorFileAppender keptCollector = null;
        CollectorFileAppender newCollector = null;
        if (settings.toStderr() && settings.collector().isPresent()) {
            CollectorSettings wanted = settings.collector().get();
            if (collector != null && collector.settings().equals(wanted)) {
                keptCollector = collector;
            } else {
                newCollector = CollectorFileAppender.open(wanted, layout, clock); // may throw: nothing changed yet
                newCollector.setContext(context);
            }
        }

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        // Detach (not stop) the kept collector so that detachAndStopAllAppenders leaves it open.
        if (keptCollector != null) {
            root.detachAppender(keptCollector);
        }
        root.detachAndStopAllAppenders();
        if (collector != null && collector != keptCollector) {
            collector.stop();
        }

        MinMessagesFilter filter = new MinMessagesFilter(settings.minMessages());
        filter.start();
        if (settings.toStderr()) {
            if (keptCollector != null || newCollector != null) {
                collector = keptCollector != null ? keptCollector : newCollector;
                collector.setLayout(layout);
                collector.clearAllFilters();
                collector.addFilter(filter);
                root.addAppender(collector);
            } else {
                collector = null;
                root.addAppender(stderrAppender(layout, filter));
            }
        } else {
            collector = null;
        }
        if (settings.toSyslog()) {
            root.addAppender(syslogAppender(settings, filter));
        }

        Level level = settings.minMessages().loggerLevel();
        root.setLevel(level);
        Level libraries = settings.minMessages().serverLogRank() < MessageLevel.DEBUG1.serverLogRank()
                ? Level.DEBUG : Level.WARN;
        for (String name : LIBRARIES) {
            context.getLogger(name).setLevel(libraries);
        }
    }

    /** The collector's current file, when the collector is on. */
    public synchronized Optional<java.nio.file.Path> currentLogFile() {
        return collector == null ? Optional.empty() : collector.currentFile();
    }

    /** Starts a new log file before the next line (PCP log rotate); false when the collector is off. */
    public synchronized boolean rotate() {
        if (collector == null) {
            return false;
        }
        collector.requestRotation();
        return true;
    }

    private Appender<ILoggingEvent> stderrAppender(PgLogLayout layout, MinMessagesFilter filter) {
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("stderr");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.addFilter(filter);
        console.start();
        return console;
    }

    @SuppressWarnings("unchecked")
    private void registerSeverityWord() {
        Map<String, Supplier<DynamicConverter<?>>> registry =
                (Map<String, Supplier<DynamicConverter<?>>>) context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (registry == null) {
            registry = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, registry);
        }
        registry.put(SeverityConverter.WORD, SeverityConverter::new);
    }

    private Appender<ILoggingEvent> syslogAppender(LogSettings settings, MinMessagesFilter filter) {
        SyslogAppender syslog = new SyslogAppender();
        syslog.setContext(context);
        syslog.setName("syslog");
        syslog.setSyslogHost(syslogHost);
        syslog.setPort(syslogPort);
        syslog.setFacility(settings.syslogFacility().toUpperCase(java.util.Locale.ROOT));
        // RFC 3164 tag "ident[pid]:", then the severity word as in the other destinations.
        String ident = settings.syslogIdent().replace("%", "%%");
        registerSeverityWord();
        syslog.setSuffixPattern(ident + "[" + ProcessHandle.current().pid() + "]: %" + SeverityConverter.WORD + ":  %msg");
        syslog.setThrowableExcluded(settings.verbosity() != ErrorVerbosity.VERBOSE);
        syslog.addFilter(filter);
        syslog.start();
        return syslog;
    }
}
