package io.tidepool.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReloadReportTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsThroughItsFile() throws Exception {
        ReloadReport report = new ReloadReport(3, Instant.parse("2026-11-21T07:40:01Z"), false,
                List.of("log_min_messages", "load_balance_mode"), List.of("port"),
                List.of("/etc/pgpool2/pgpool.conf:12: invalid value 'x' for port"));
        Path file = dir.resolve("pgpool.pid.reload");
        report.write(file);
        assertThat(ReloadReport.read(file)).contains(report);
        assertThat(Files.readString(file)).contains("status: failed\n").contains("restart: port\n");
    }

    @Test
    void emptyListsRoundTrip() throws Exception {
        ReloadReport report = new ReloadReport(1, Instant.EPOCH, true, List.of(), List.of(), List.of());
        report.write(dir.resolve("r"));
        assertThat(ReloadReport.read(dir.resolve("r"))).contains(report);
    }

    @Test
    void absentOrGarbledFilesReadAsNoReport() throws Exception {
        assertThat(ReloadReport.read(dir.resolve("absent"))).isEmpty();
        Files.writeString(dir.resolve("bad"), "generation: x\n");
        assertThat(ReloadReport.read(dir.resolve("bad"))).isEmpty();
    }

    @Test
    void livesNextToThePidFile() {
        assertThat(ReloadReport.pathFor(PidFile.at(dir.resolve("pgpool.pid")))).isEqualTo(dir.resolve("pgpool.pid.reload"));
    }
}
