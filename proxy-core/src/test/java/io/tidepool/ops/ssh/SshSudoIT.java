package io.tidepool.ops.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.local.ExternalCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssh_sudo_user} against a real sshd and Debian's sudo: the SSH login (the PostgreSQL OS
 * user) runs commands as another account through {@code sudo -n -u}, as on a host where the
 * files a recovery touches belong to someone else. The other account is {@code nobody}; a
 * sudoers drop-in for this run lets the login become it without a password, and nothing more.
 *
 * <p>Needs root (to install the drop-in; this project's machines and CI run the tests as root)
 * and sudo ({@code installers/dev/install-deps.sh test} installs it).
 */
class SshSudoIT {

    private static final String TARGET = "nobody";
    private static final String SECRET = "readable by nobody alone";

    private static TestSshd sshd;
    private static Path sudoers;
    private static Path privateDir;

    @BeforeAll
    static void setUp() throws Exception {
        assumeThat(System.getProperty("user.name")).as("installing a sudoers drop-in needs root").isEqualTo("root");
        assertThat(ExternalCommand.onPath("sudo")).as("sudo not found; installers/dev/install-deps.sh test installs it")
                .isPresent();
        sshd = TestSshd.start();
        sshd.trustHostKey();
        // A directory only the sudo target may enter, with a file only it may read.
        privateDir = Files.createTempDirectory("tidepool-sudo-");
        Files.writeString(privateDir.resolve("secret"), SECRET + "\n");
        UserPrincipalLookupService users = privateDir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(privateDir.resolve("secret"), users.lookupPrincipalByName(TARGET));
        Files.setOwner(privateDir, users.lookupPrincipalByName(TARGET));
        Files.setPosixFilePermissions(privateDir.resolve("secret"), PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(privateDir, PosixFilePermissions.fromString("r-x------"));
        // sudo ignores drop-ins whose names contain a dot; the pid keeps parallel runs apart.
        sudoers = Path.of("/etc/sudoers.d", "tidepool-test-" + ProcessHandle.current().pid());
        Files.writeString(sudoers, "# Tidepool SshSudoIT, removed when the test ends\n"
                + sshd.user() + " ALL=(" + TARGET + ") NOPASSWD: ALL\n");
        Files.setPosixFilePermissions(sudoers, PosixFilePermissions.fromString("r--r-----"));
        ExternalCommand.of("visudo", "-c", "-f", sudoers.toString()).timeout(Duration.ofSeconds(30)).run()
                .orThrow("visudo -c " + sudoers);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (sudoers != null) {
            Files.deleteIfExists(sudoers);
        }
        if (privateDir != null) {
            Files.deleteIfExists(privateDir.resolve("secret"));
            Files.deleteIfExists(privateDir);
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private static String cat() {
        return "cat " + Shell.quote(privateDir.resolve("secret").toString());
    }

    @Test
    void aFileTheLoginMayNotReadIsReadThroughSudoAsTheConfiguredUser() {
        try (SshConnection plain = SshConnection.open(sshd.settings())) {
            RemoteResult refused = plain.run(RemoteCommand.of(cat()));
            assertThat(refused.exitStatus()).as("the login alone may not read it").isNotZero();
            assertThat(String.join("\n", refused.lastLines())).contains("Permission denied");
        }

        try (SshConnection sudo = SshConnection.open(sshd.settings().withSudoUser(TARGET))) {
            RemoteResult result = sudo.run(RemoteCommand.of("id -un && " + cat()));

            assertThat(result.exitStatus()).isZero();
            assertThat(result.lastLines()).containsExactly(TARGET, SECRET);
            assertThat(result.command()).startsWith("sudo -n -u " + TARGET + " -- /bin/sh -c ");
        }
    }

    @Test
    void sudoThatWouldAskForAPasswordFailsAtOnceWithItsMessage() {
        try (SshConnection sudo = SshConnection.open(sshd.settings().withSudoUser("root"))) {
            RemoteResult result = sudo.run(RemoteCommand.of("id -un").withTimeout(Duration.ofSeconds(60)));

            assertThat(result.exitStatus()).isNotZero();
            assertThat(String.join("\n", result.lastLines())).contains("a password is required").doesNotContain("root");
        }
    }

    @Test
    void sshSudoUserFromTidepoolConfReachesTheRemoteCommand(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pgpool.conf"), "backend_hostname0 = '127.0.0.1'\nbackend_port0 = 5432\n"
                + "backend_hostname1 = '127.0.0.1'\nbackend_port1 = 5433\n");
        Files.writeString(dir.resolve("tidepool.conf"), "ssh_port = " + sshd.port() + "\n"
                + "ssh_user = '" + sshd.user() + "'\n"
                + "ssh_identity_file = '" + sshd.clientKey() + "'\n"
                + "ssh_known_hosts_file = '" + sshd.knownHosts() + "'\n"
                + "ssh_sudo_user1 = '" + TARGET + "'\n");
        PgpoolConfig config = PgpoolConfig.load(dir.resolve("pgpool.conf"));
        SshClient client = new SshClient();
        try {
            RemoteResult node0 = client.connect(NodeSshSettings.forNode(config, config.backends().get(0)))
                    .run(RemoteCommand.of("id -un"));
            RemoteResult node1 = client.connect(NodeSshSettings.forNode(config, config.backends().get(1)))
                    .run(RemoteCommand.of("id -un"));

            assertThat(node0.lastLines()).containsExactly(sshd.user());
            assertThat(node1.lastLines()).containsExactly(TARGET);
        } finally {
            client.close();
        }
    }
}
