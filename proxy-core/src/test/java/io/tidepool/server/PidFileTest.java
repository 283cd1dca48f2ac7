package io.tidepool.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PidFileTest {
    @TempDir
    Path dir;

    private Process other;

    @AfterEach
    void killOther() {
        if (other != null) {
            other.destroyForcibly();
        }
    }

    @Test
    void writesThePidAloneOnOneLineLikePgpool() throws Exception {
        PidFile pidFile = PidFile.at(dir.resolve("pgpool.pid"));
        pidFile.acquire();
        assertThat(Files.readString(dir.resolve("pgpool.pid"))).isEqualTo(ProcessHandle.current().pid() + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pgpool.pid"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void releaseRemovesOnlyItsOwnFile() throws Exception {
        PidFile pidFile = PidFile.at(dir.resolve("pgpool.pid"));
        pidFile.acquire();
        pidFile.release();
        assertThat(dir.resolve("pgpool.pid")).doesNotExist();

        Files.writeString(dir.resolve("pgpool.pid"), "1\n"); // a successor's file
        pidFile.release();
        assertThat(dir.resolve("pgpool.pid")).hasContent("1");
    }

    @Test
    void replacesAFileLeftByAProcessThatIsGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("pgpool.pid"), gone.pid() + "\n");

        PidFile pidFile = PidFile.at(dir.resolve("pgpool.pid"));
        assertThat(pidFile.runningProcess()).isEmpty();
        pidFile.acquire();
        assertThat(pidFile.readPid()).hasValue(ProcessHandle.current().pid());
    }

    @Test
    void replacesAFileNamingAProcessThatIsNotTidepool() throws Exception {
        other = new ProcessBuilder("sleep", "60").start(); // a reused pid
        Files.writeString(dir.resolve("pgpool.pid"), other.pid() + "\n");

        PidFile pidFile = PidFile.at(dir.resolve("pgpool.pid"));
        assertThat(pidFile.runningProcess()).isEmpty();
        pidFile.acquire();
        assertThat(pidFile.readPid()).hasValue(ProcessHandle.current().pid());
    }

    @Test
    void replacesAFileNamingThisVeryProcess() throws Exception {
        Files.writeString(dir.resolve("pgpool.pid"), ProcessHandle.current().pid() + "\n");
        PidFile.at(dir.resolve("pgpool.pid")).acquire();
        assertThat(PidFile.at(dir.resolve("pgpool.pid")).readPid()).hasValue(ProcessHandle.current().pid());
    }

    @Test
    void refusesWhenALiveTidepoolHoldsTheFile() throws Exception {
        // A process whose command line says "tidepool", as the server's does.
        other = new ProcessBuilder("sh", "-c", "sleep 60; : tidepool").start();
        waitForCommandLine(other, "tidepool");
        Files.writeString(dir.resolve("pgpool.pid"), other.pid() + "\n");

        PidFile pidFile = PidFile.at(dir.resolve("pgpool.pid"));
        assertThat(pidFile.runningProcess()).map(ProcessHandle::pid).hasValue(other.pid());
        assertThatThrownBy(pidFile::acquire)
                .isInstanceOf(PidFile.PidFileException.class)
                .hasMessage("another Tidepool is running with pid " + other.pid() + " (pid file "
                        + dir.resolve("pgpool.pid") + "); stop it with 'tidepool stop', or remove the file if that"
                        + " process is not Tidepool");
        assertThat(pidFile.readPid()).hasValue(other.pid());
    }

    @Test
    void namesTheMissingDirectory() {
        PidFile pidFile = PidFile.at(dir.resolve("run/pgpool/pgpool.pid"));
        assertThatThrownBy(pidFile::acquire)
                .isInstanceOf(PidFile.PidFileException.class)
                .hasMessageStartingWith("cannot write pid file " + dir.resolve("run/pgpool/pgpool.pid")
                        + ": directory " + dir.resolve("run/pgpool") + " does not exist;");
    }

    @Test
    void readsNoPidFromGarbage() throws IOException {
        Files.writeString(dir.resolve("pgpool.pid"), "hello\n");
        assertThat(PidFile.at(dir.resolve("pgpool.pid")).readPid()).isEmpty();
        assertThat(PidFile.at(dir.resolve("absent.pid")).readPid()).isEmpty();
    }

    private static void waitForCommandLine(Process process, String text) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (process.info().commandLine().orElse("").contains(text)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("process " + process.pid() + " never showed '" + text + "'");
    }
}
