package io.tidepool.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectorFileAppenderTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    @TempDir
    Path dir;

    private final LoggerContext context = newContext();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T07:40:00Z"), UTC);
    private CollectorFileAppender appender;

    @AfterEach
    void stop() {
        if (appender != null) {
            appender.stop();
        }
    }

    private CollectorFileAppender open(String pattern, Duration age, long sizeBytes, boolean truncate) throws IOException {
        PgLogLayout layout = new PgLogLayout(LogLinePrefix.parse(""), ErrorVerbosity.DEFAULT);
        layout.setContext(context);
        layout.start();
        CollectorSettings settings = new CollectorSettings(dir.resolve("logs"), StrftimeFormat.of(pattern), age,
                sizeBytes, truncate, PosixFilePermissions.fromString("rw-------"));
        appender = CollectorFileAppender.open(settings, layout, clock);
        appender.setContext(context);
        return appender;
    }

    private void log(String message) {
        appender.doAppend(new LoggingEvent("test", context.getLogger("test"), Level.INFO, message, null, null));
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("logs"))) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve("logs").resolve(name));
    }

    @Test
    void createsTheDirectoryAndNamesTheFileByThePattern() throws IOException {
        open("pgpool-%Y-%m-%d_%H%M%S.log", Duration.ZERO, 0, false);
        log("hello");
        assertThat(files()).containsExactly("pgpool-2026-11-21_074000.log");
        assertThat(read("pgpool-2026-11-21_074000.log")).isEqualTo("LOG:  hello\n");
    }

    @Test
    void appliesLogFileModeToFilesItCreates() throws IOException {
        open("pgpool.log", Duration.ZERO, 0, false);
        log("x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs/pgpool.log"))))
                .isEqualTo("rw-------");
    }

    @Test
    void rotatesBySizeBeforeWritingPastTheLimit() throws IOException {
        open("pgpool-%H%M%S.log", Duration.ZERO, 20, false); // "LOG:  0123456789\n" is 17 bytes
        log("0123456789");
        clock.advance(Duration.ofSeconds(1));
        log("0123456789"); // 17 < 20: same file
        clock.advance(Duration.ofSeconds(1));
        log("abc"); // 34 >= 20: new file
        assertThat(files()).containsExactly("pgpool-074000.log", "pgpool-074002.log");
        assertThat(read("pgpool-074000.log")).isEqualTo("LOG:  0123456789\nLOG:  0123456789\n");
        assertThat(read("pgpool-074002.log")).isEqualTo("LOG:  abc\n");
    }

    @Test
    void sizeRotationOntoTheSameNameKeepsAppendingWithoutReopeningEveryLine() throws IOException {
        open("pgpool.log", Duration.ZERO, 20, false);
        for (int i = 0; i < 5; i++) {
            log("0123456789");
        }
        assertThat(files()).containsExactly("pgpool.log");
        assertThat(read("pgpool.log")).hasLineCount(5);
    }

    @Test
    void rotatesByAgeAtWallClockBoundaries() throws IOException {
        open("pgpool-%H%M.log", Duration.ofHours(1), 0, false); // opened 07:40, next rotation 08:00
        log("first");
        clock.advance(Duration.ofMinutes(19)); // 07:59
        log("still first");
        clock.advance(Duration.ofMinutes(1)); // 08:00
        log("second");
        clock.advance(Duration.ofMinutes(59)); // 08:59
        log("still second");
        assertThat(files()).containsExactly("pgpool-0740.log", "pgpool-0800.log");
        assertThat(read("pgpool-0800.log")).isEqualTo("LOG:  second\nLOG:  still second\n");
    }

    @Test
    void nextRotationIsAlignedToLocalMidnight() {
        ZonedDateTime paris = ZonedDateTime.parse("2026-11-21T23:30:00+01:00[Europe/Paris]");
        assertThat(CollectorFileAppender.nextRotation(paris, Duration.ofDays(1)))
                .isEqualTo(Instant.parse("2026-11-21T23:00:00Z")); // 00:00 in Paris
        assertThat(CollectorFileAppender.nextRotation(paris, Duration.ZERO)).isEqualTo(Instant.MAX);
    }

    @Test
    void truncateOnRotationOverwritesAnOldFileOnTimeBasedRotation() throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/pgpool-08.log"), "last week's line\n");
        open("pgpool-%H.log", Duration.ofHours(1), 0, true);
        log("seven");
        clock.advance(Duration.ofMinutes(20)); // 08:00
        log("eight");
        assertThat(read("pgpool-08.log")).isEqualTo("LOG:  eight\n");
    }

    @Test
    void withoutTruncateOnRotationAnOldFileIsAppendedTo() throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/pgpool-08.log"), "last week's line\n");
        open("pgpool-%H.log", Duration.ofHours(1), 0, false);
        log("seven");
        clock.advance(Duration.ofMinutes(20));
        log("eight");
        assertThat(read("pgpool-08.log")).isEqualTo("last week's line\nLOG:  eight\n");
    }

    @Test
    void startupNeverTruncates() throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/pgpool-07.log"), "before restart\n");
        open("pgpool-%H.log", Duration.ofHours(1), 0, true);
        log("after restart");
        assertThat(read("pgpool-07.log")).isEqualTo("before restart\nLOG:  after restart\n");
    }

    @Test
    void requestedRotationStartsANewFile() throws IOException {
        open("pgpool-%H%M%S.log", Duration.ZERO, 0, false);
        log("one");
        clock.advance(Duration.ofSeconds(3));
        appender.requestRotation();
        log("two");
        assertThat(files()).containsExactly("pgpool-074000.log", "pgpool-074003.log");
        assertThat(appender.currentFile()).contains(dir.resolve("logs/pgpool-074003.log"));
    }

    @Test
    void aFailedRotationKeepsWritingToTheOldFile() throws IOException {
        Files.createDirectories(dir.resolve("logs/07"));
        open("%H/pgpool.log", Duration.ofHours(1), 0, false); // logs/08/ will not exist at 08:00
        log("seven");
        clock.advance(Duration.ofMinutes(20));
        log("eight, but nowhere new to go");
        assertThat(read("07/pgpool.log")).isEqualTo("LOG:  seven\nLOG:  eight, but nowhere new to go\n");
        assertThat(appender.currentFile()).contains(dir.resolve("logs/07/pgpool.log"));
    }

    @Test
    void failsWithTheFileNameWhenTheDirectoryCannotBeCreated() throws IOException {
        Files.writeString(dir.resolve("logs"), "a file, not a directory");
        assertThatThrownBy(() -> open("pgpool.log", Duration.ZERO, 0, false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("log_directory " + dir.resolve("logs"));
    }

    private static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }
}
