package io.tidepool.harness;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sweep that ends test sshd servers of a JVM killed before its exit hook could run. */
class TestSshdTest {

    @Test
    void theServerOfAJvmThatIsGoneIsStoppedAndItsDirectoryRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        Path dir = Files.createTempDirectory(TestSshd.DIRECTORY_PREFIX + gone.pid() + "-");
        // stands in for "sshd -D -f <dir>/sshd_config"
        Process server = new ProcessBuilder("sh", "-c", "sleep 300; : \"$0\"", dir.resolve("sshd_config").toString()).start();
        try {
            Files.writeString(dir.resolve("sshd.pid"), server.pid() + "\n");
            assertThat(TestSshd.removeAbandoned()).contains(dir);
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("the server ended").isTrue();
            assertThat(dir).doesNotExist();
        } finally {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    @Test
    void theDirectoryOfALiveJvmIsLeftAlone() throws Exception {
        Path dir = Files.createTempDirectory(TestSshd.DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-");
        try {
            assertThat(TestSshd.removeAbandoned()).doesNotContain(dir);
            assertThat(dir).exists();
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
