package io.tidepool.server.logging;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageLevelTest {

    @Test
    void parsesPgpoolNamesInAnyCase() {
        assertThat(MessageLevel.parse("Warning")).contains(MessageLevel.WARNING);
        assertThat(MessageLevel.parse("debug5")).contains(MessageLevel.DEBUG5);
        assertThat(MessageLevel.parse("verbose")).isEmpty();
    }

    @Test
    void defaultWarningKeepsLogLinesButDropsInfo() {
        MessageLevel min = MessageLevel.WARNING;
        assertThat(min.admits(MessageLevel.ofEvent(Level.INFO))).as("LOG").isTrue();
        assertThat(min.admits(MessageLevel.ofEvent(Level.WARN))).isTrue();
        assertThat(min.admits(MessageLevel.ofEvent(Level.ERROR))).isTrue();
        assertThat(min.admits(MessageLevel.ofEvent(Level.DEBUG))).isFalse();
        assertThat(min.loggerLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void errorThresholdDropsWarningsButNotLogLines() {
        MessageLevel min = MessageLevel.ERROR;
        assertThat(min.admits(MessageLevel.ofEvent(Level.WARN))).isFalse();
        assertThat(min.admits(MessageLevel.ofEvent(Level.INFO))).isTrue();
        assertThat(min.admits(MessageLevel.ofEvent(Level.ERROR))).isTrue();
    }

    @Test
    void fatalKeepsErrorsOnly() {
        assertThat(MessageLevel.FATAL.loggerLevel()).isEqualTo(Level.ERROR);
        assertThat(MessageLevel.FATAL.admits(MessageLevel.ofEvent(Level.ERROR))).isTrue();
    }

    @Test
    void debugLevelsOpenLoggersToDebugAndTrace() {
        assertThat(MessageLevel.DEBUG1.loggerLevel()).isEqualTo(Level.DEBUG);
        assertThat(MessageLevel.DEBUG1.admits(MessageLevel.ofEvent(Level.TRACE))).isFalse();
        assertThat(MessageLevel.DEBUG5.loggerLevel()).isEqualTo(Level.TRACE);
        assertThat(MessageLevel.DEBUG5.admits(MessageLevel.ofEvent(Level.TRACE))).isTrue();
    }

    @Test
    void labelsAreThePostgresqlWords() {
        assertThat(MessageLevel.ofEvent(Level.INFO).label()).isEqualTo("LOG");
        assertThat(MessageLevel.ofEvent(Level.WARN).label()).isEqualTo("WARNING");
        assertThat(MessageLevel.ofEvent(Level.TRACE).label()).isEqualTo("DEBUG");
    }
}
