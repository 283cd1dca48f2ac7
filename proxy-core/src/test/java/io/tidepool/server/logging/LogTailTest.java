package io.tidepool.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogTailTest {

    private final LoggerContext context = new LoggerContext();
    private final LogTail tail = LogTail.attach(context, 3);

    @AfterEach
    void stop() {
        tail.close();
        context.stop();
    }

    @Test
    void keepsTheNewestEngineLinesWithTheirSeverityWord() {
        org.slf4j.Logger log = context.getLogger("io.tidepool.cluster.ClusterCoordinator");
        for (int i = 1; i <= 5; i++) {
            log.info("line {}", i);
        }
        log.warn("node 1 is down");

        assertThat(tail.lines()).extracting(LogTail.Line::message).containsExactly("line 4", "line 5", "node 1 is down");
        assertThat(tail.lines().get(2).severity()).isEqualTo("WARNING");
        assertThat(tail.lines().get(2).text()).endsWith(" WARNING:  ClusterCoordinator: node 1 is down");
    }

    @Test
    void librariesLinesAreNotKept() {
        context.getLogger("io.netty.channel.Whatever").warn("a library speaks");

        assertThat(tail.lines()).isEmpty();
    }

    @Test
    void subscribersGetLaterLinesUntilTheyUnsubscribe() throws Exception {
        List<String> seen = new ArrayList<>();
        AutoCloseable handle = tail.subscribe(line -> seen.add(line.message()));
        org.slf4j.Logger log = context.getLogger("io.tidepool.server.TidepoolEngine");
        log.info("first");
        handle.close();
        log.info("second");

        assertThat(seen).containsExactly("first");
    }

    @Test
    void theLoggersLevelApplies() {
        context.getLogger("io.tidepool").setLevel(Level.WARN);
        context.getLogger("io.tidepool.x.Y").info("not wanted");

        assertThat(tail.lines()).isEmpty();
    }

    @Test
    void aClosedTailKeepsWhatItHadAndTakesNoMore() {
        org.slf4j.Logger log = context.getLogger("io.tidepool.x.Y");
        log.info("kept");
        tail.close();
        log.info("after close");

        assertThat(tail.lines()).extracting(LogTail.Line::message).containsExactly("kept");
    }
}
