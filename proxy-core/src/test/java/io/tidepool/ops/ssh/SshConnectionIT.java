package io.tidepool.ops.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.harness.TestSshd;
import io.tidepool.ops.Cancellation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH layer against a real OpenSSH server on loopback. */
class SshConnectionIT {

    private static TestSshd sshd;

    @BeforeAll
    static void startSshd() {
        sshd = TestSshd.start();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private static SshSettings trusted(Path knownHosts) throws Exception {
        String[] key = sshd.hostPublicKey().split("\\s+");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " " + key[0] + " " + key[1] + "\n");
        return SshSettings.of(sshd.endpoint(), SshCredentials.key(sshd.clientKey()), knownHosts);
    }

    @Test
    void unknownHostKeyIsRefusedUntilTheOperatorTrustsItsFingerprint(@TempDir Path dir) {
        Path knownHosts = dir.resolve("known_hosts");
        SshSettings settings = SshSettings.of(sshd.endpoint(), SshCredentials.key(sshd.clientKey()), knownHosts);

        SshException.UnknownHostKey refused = (SshException.UnknownHostKey) catchSsh(() -> SshConnection.open(settings));

        PresentedHostKey key = refused.hostKey();
        assertThat(key.fingerprint()).isEqualTo(sshd.hostKeyFingerprint());
        assertThat(key.type()).isEqualTo("ssh-ed25519");
        assertThat(key.knownHostsName()).isEqualTo("[127.0.0.1]:" + sshd.port());
        assertThat(refused.getMessage()).contains(key.fingerprint()).contains("not trusted");
        assertThat(knownHosts).doesNotExist();

        KnownHostsFile file = new KnownHostsFile(knownHosts);
        assertThatThrownBy(() -> file.trust(key, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(knownHosts).doesNotExist();

        file.trust(key, sshd.hostKeyFingerprint());

        try (SshConnection connection = SshConnection.open(settings)) {
            RemoteResult result = connection.run(RemoteCommand.of("id -un"));
            assertThat(result.exitStatus()).isZero();
            assertThat(result.lastLines()).containsExactly(sshd.user());
        }
    }

    @Test
    void changedHostKeyIsRefused(@TempDir Path dir) throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        String[] other = Files.readString(Path.of(sshd.strangerKey() + ".pub")).split("\\s+");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " " + other[0] + " " + other[1] + "\n");
        SshSettings settings = SshSettings.of(sshd.endpoint(), SshCredentials.key(sshd.clientKey()), knownHosts);

        SshException refused = catchSsh(() -> SshConnection.open(settings));

        assertThat(refused).isInstanceOf(SshException.HostKeyChanged.class).hasMessageContaining("has changed");
        KnownHostsFile file = new KnownHostsFile(knownHosts);
        PresentedHostKey presented = ((SshException.HostKeyChanged) refused).hostKey();
        assertThatThrownBy(() -> file.trust(presented, presented.fingerprint())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyTheServerDoesNotAuthoriseIsRefused(@TempDir Path dir) throws Exception {
        SshSettings settings = trusted(dir.resolve("known_hosts")).withCredentials(SshCredentials.key(sshd.strangerKey()));

        SshException refused = catchSsh(() -> SshConnection.open(settings));

        assertThat(refused).isInstanceOf(SshException.AuthenticationFailed.class)
                .hasMessageContaining("refused").hasMessageContaining(sshd.strangerKey().toString());
    }

    @Test
    void passphraseProtectedRsaKeyLogsIn(@TempDir Path dir) throws Exception {
        SshSettings settings = trusted(dir.resolve("known_hosts"))
                .withCredentials(SshCredentials.key(sshd.rsaClientKey(), TestSshd.RSA_PASSPHRASE));

        try (SshConnection connection = SshConnection.open(settings)) {
            assertThat(connection.run(RemoteCommand.of("true")).succeeded()).isTrue();
        }
    }

    @Test
    void wrongPassphraseIsNamedAsSuch(@TempDir Path dir) throws Exception {
        SshSettings settings = trusted(dir.resolve("known_hosts"))
                .withCredentials(SshCredentials.key(sshd.rsaClientKey(), "wrong"));

        assertThatThrownBy(() -> SshConnection.open(settings)).isInstanceOf(SshException.class)
                .hasMessageContaining("passphrase is wrong");
    }

    @Test
    void commandOutputIsStreamedLineByLineWithItsExitStatus(@TempDir Path dir) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (SshConnection connection = SshConnection.open(trusted(dir.resolve("known_hosts")))) {
            RemoteResult result = connection.run(RemoteCommand.of("echo one; echo two >&2; printf 'three\\rfour\\n'; exit 3")
                    .withListener((stream, line) -> seen.add(stream + " " + line)));

            assertThat(result.exitStatus()).isEqualTo(3);
            assertThat(seen).contains("STDOUT one", "STDERR two", "STDOUT three", "STDOUT four");
            assertThat(result.lastLines()).contains("one", "stderr: two");
            assertThatThrownBy(() -> result.orThrow("the test command")).hasMessageContaining("exit status 3")
                    .hasMessageContaining("stderr: two");
        }
    }

    @Test
    void standardInputReachesTheCommandAndStaysOutOfItsCommandLine(@TempDir Path dir) throws Exception {
        try (SshConnection connection = SshConnection.open(trusted(dir.resolve("known_hosts")))) {
            RemoteResult result = connection.run(RemoteCommand.of("read -r secret; echo \"got ${#secret} chars\"")
                    .withStdin("hunter2\n"));

            assertThat(result.lastLines()).containsExactly("got 7 chars");
            assertThat(result.command()).doesNotContain("hunter2");
        }
    }

    /**
     * A command given no input reads end-of-file at once, and quick commands in a row each report
     * their exit status: JSch once fed stdin from a thread of its own, and a command that ended
     * before that thread started failed its run with a NullPointerException.
     */
    @Test
    void quickCommandsWithNoInputEachEndWithTheirExitStatus(@TempDir Path dir) throws Exception {
        try (SshConnection connection = SshConnection.open(trusted(dir.resolve("known_hosts")))) {
            RemoteResult reader = connection.run(RemoteCommand.of("cat; echo read to the end")
                    .withTimeout(java.time.Duration.ofSeconds(20)));
            assertThat(reader.exitStatus()).isZero();
            assertThat(reader.lastLines()).containsExactly("read to the end");
            for (int i = 0; i < 200; i++) {
                assertThat(connection.run(RemoteCommand.of("exit " + (i % 7))).exitStatus()).as("run %d", i)
                        .isEqualTo(i % 7);
            }
        }
    }

    @Test
    void commandPastItsTimeLimitIsStoppedOnTheServer(@TempDir Path dir) throws Exception {
        try (SshConnection connection = SshConnection.open(trusted(dir.resolve("known_hosts")))) {
            assertThatThrownBy(() -> connection.run(RemoteCommand.of("sleep 613").withTimeout(Duration.ofSeconds(1))))
                    .isInstanceOf(SshException.Timeout.class).hasMessageContaining("sleep 613");

            assertThat(awaitGone(connection, "sleep 613")).as("the remote sleep was killed").isTrue();
        }
    }

    @Test
    void cancelledCommandIsStopped(@TempDir Path dir) throws Exception {
        Cancellation cancellation = new Cancellation();
        try (SshConnection connection = SshConnection.open(trusted(dir.resolve("known_hosts")))) {
            CompletableFuture<RemoteResult> running = CompletableFuture.supplyAsync(() ->
                    connection.run(RemoteCommand.of("echo started; sleep 614").withCancellation(cancellation)
                            .withListener((stream, line) -> {
                                if (line.equals("started")) {
                                    CompletableFuture.runAsync(cancellation::cancel);
                                }
                            })));

            assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SshException.Cancelled.class);
            assertThat(awaitGone(connection, "sleep 614")).isTrue();
        }
    }

    @Test
    void sessionKilledMidCommandIsReportedAsLostConnection(@TempDir Path dir) throws Exception {
        try (SshConnection connection = SshConnection.open(trusted(dir.resolve("known_hosts")))) {
            SshException lost = catchSsh(() -> connection.run(RemoteCommand.of("echo started; sleep 615")
                    .withListener((stream, line) -> CompletableFuture.runAsync(sshd::killSessions))));

            assertThat(lost).isInstanceOf(SshException.ConnectionLost.class).hasMessageContaining("was lost")
                    .hasMessageContaining("started");
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void clientReusesAnOpenSessionAndReplacesADroppedOne(@TempDir Path dir) throws Exception {
        SshSettings settings = trusted(dir.resolve("known_hosts"));
        try (SshClient client = new SshClient()) {
            SshConnection first = client.connect(settings);
            assertThat(client.connect(settings)).isSameAs(first);

            first.close();
            SshConnection second = client.connect(settings);

            assertThat(second).isNotSameAs(first);
            assertThat(second.run(RemoteCommand.of("true")).succeeded()).isTrue();
        }
    }

    @Test
    void filesGoUpAndComeBackOverSftp(@TempDir Path dir) throws Exception {
        Path local = dir.resolve("back.txt");
        String remote = "/tmp/tidepool-sftp-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (SshConnection connection = SshConnection.open(trusted(dir.resolve("known_hosts")))) {
            connection.upload("#!/bin/sh\necho uploaded\n".getBytes(StandardCharsets.UTF_8), remote, 0700,
                    Duration.ofSeconds(30), Cancellation.none());

            assertThat(connection.run(RemoteCommand.of(remote)).lastLines()).containsExactly("uploaded");
            assertThat(connection.run(RemoteCommand.of("stat -c %a " + remote)).lastLines()).containsExactly("700");
            connection.download(remote, local, Duration.ofSeconds(30), Cancellation.none());
            assertThat(Files.readString(local)).isEqualTo("#!/bin/sh\necho uploaded\n");
            connection.run(RemoteCommand.of("rm -f " + remote));
        }
    }

    private static boolean awaitGone(SshConnection connection, String commandLine) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            RemoteResult result = connection.run(RemoteCommand.of("pgrep -f " + Shell.quote("^" + commandLine + "$")));
            if (result.exitStatus() == 1) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static SshException catchSsh(Runnable action) {
        try {
            action.run();
        } catch (SshException e) {
            return e;
        }
        throw new AssertionError("expected an SshException");
    }
}
