package io.tidepool.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoggingSetupTest {
    @TempDir
    Path dir;

    private final LoggerContext context = newContext();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T07:40:00Z"), ZoneId.of("UTC"));

    @AfterEach
    void stop() {
        context.stop();
    }

    private LogSettings collectorSettings(String prefix, MessageLevel min, String pattern) {
        return new LogSettings(true, false, prefix, min, ErrorVerbosity.DEFAULT, "LOCAL0", "pgpool",
                Optional.of(new CollectorSettings(dir, StrftimeFormat.of(pattern), Duration.ZERO, 0, false,
                        PosixFilePermissions.fromString("rw-------"))));
    }

    @Test
    void collectorWritesPrefixedLinesAndHonoursMinMessages() throws IOException {
        LoggingSetup setup = LoggingSetup.forContext(context, clock, "127.0.0.1", 9);
        setup.apply(collectorSettings("[%a] ", MessageLevel.ERROR, "pgpool.log"));
        Logger log = context.getLogger("io.tidepool.test");
        log.info("node 1 is up");
        log.warn("slow health check");
        log.error("node 2 is down", new IllegalStateException("connection refused"));
        log.debug("invisible");

        String thread = Thread.currentThread().getName();
        assertThat(Files.readString(dir.resolve("pgpool.log"))).isEqualTo(
                "[" + thread + "] LOG:  node 1 is up\n"
                + "[" + thread + "] ERROR:  node 2 is down\n"
                + "DETAIL:  java.lang.IllegalStateException: connection refused\n");
    }

    @Test
    void causesWhoseMessageWasAlreadySaidGetNoDetailLine() throws IOException {
        LoggingSetup setup = LoggingSetup.forContext(context, clock, "127.0.0.1", 9);
        setup.apply(collectorSettings("", MessageLevel.ERROR, "pgpool.log"));
        IllegalStateException root = new IllegalStateException("bind(..) failed: Address already in use");
        java.io.IOException wrapper = new java.io.IOException("could not listen on 127.0.0.1:9999: " + root.getMessage(), root);
        context.getLogger("x").error("start-up failed: {}", wrapper.getMessage(), wrapper);
        context.getLogger("x").error("refused", new RuntimeException("outer", new IllegalArgumentException("inner")));

        assertThat(Files.readString(dir.resolve("pgpool.log"))).isEqualTo(
                "ERROR:  start-up failed: could not listen on 127.0.0.1:9999: bind(..) failed: Address already in use\n"
                + "ERROR:  refused\n"
                + "DETAIL:  java.lang.RuntimeException: outer\n"
                + "DETAIL:  java.lang.IllegalArgumentException: inner\n");
    }

    @Test
    void reloadKeepsTheOpenLogFileAndSwapsTheFormat() throws IOException {
        LoggingSetup setup = LoggingSetup.forContext(context, clock, "127.0.0.1", 9);
        setup.apply(collectorSettings("a: ", MessageLevel.WARNING, "pgpool-%H%M%S.log"));
        context.getLogger("x").info("before reload");
        clock.advance(Duration.ofSeconds(5)); // a reopen would now pick another name
        setup.apply(collectorSettings("b: ", MessageLevel.DEBUG1, "pgpool-%H%M%S.log"));
        context.getLogger("x").debug("after reload");

        assertThat(setup.currentLogFile()).contains(dir.resolve("pgpool-074000.log"));
        assertThat(Files.readString(dir.resolve("pgpool-074000.log")))
                .isEqualTo("a: LOG:  before reload\nb: DEBUG:  after reload\n");
    }

    @Test
    void aChangedFilenameOpensANewFile() throws IOException {
        LoggingSetup setup = LoggingSetup.forContext(context, clock, "127.0.0.1", 9);
        setup.apply(collectorSettings("", MessageLevel.WARNING, "one.log"));
        context.getLogger("x").info("1");
        setup.apply(collectorSettings("", MessageLevel.WARNING, "two.log"));
        context.getLogger("x").info("2");
        assertThat(Files.readString(dir.resolve("one.log"))).isEqualTo("LOG:  1\n");
        assertThat(Files.readString(dir.resolve("two.log"))).isEqualTo("LOG:  2\n");
    }

    @Test
    void aLogFileThatCannotBeOpenedLeavesThePreviousConfigurationInPlace() throws IOException {
        LoggingSetup setup = LoggingSetup.forContext(context, clock, "127.0.0.1", 9);
        setup.apply(collectorSettings("", MessageLevel.WARNING, "good.log"));
        Files.createDirectories(dir.resolve("blocked.log")); // a directory where the file should be

        assertThatThrownBy(() -> setup.apply(collectorSettings("", MessageLevel.WARNING, "blocked.log")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open log file " + dir.resolve("blocked.log"));
        context.getLogger("x").info("still here");
        assertThat(Files.readString(dir.resolve("good.log"))).isEqualTo("LOG:  still here\n");
    }

    @Test
    void syslogDestinationSendsFacilityIdentAndSeverity() throws Exception {
        try (DatagramSocket daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            daemon.setSoTimeout(5000);
            LoggingSetup setup = LoggingSetup.forContext(context, clock, "127.0.0.1", daemon.getLocalPort());
            setup.apply(new LogSettings(false, true, "", MessageLevel.WARNING, ErrorVerbosity.DEFAULT,
                    "LOCAL1", "tidepool", Optional.empty()));
            context.getLogger("x").warn("replication delay of node 2 is 12 MB");

            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            daemon.receive(packet);
            String line = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            // LOCAL1 = facility 17; warning = severity 4: 17 * 8 + 4 = 140.
            assertThat(line).startsWith("<140>")
                    .contains("tidepool[" + ProcessHandle.current().pid() + "]: WARNING:  replication delay of node 2 is 12 MB");
        }
    }

    private static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }
}
