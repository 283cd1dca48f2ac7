package io.tidepool.server;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.PoolKey;
import io.tidepool.auth.tls.TestCertificates;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.PgBinaries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real server jar in a child JVM, for what only a fresh process shows: {@code -a} and
 * {@code -k} change who gets in; {@code ssl_ecdh_curve} (which Java applies once per process)
 * is honoured, seen by openssl s_client offering a single group; a broken
 * {@code ssl_dh_params_file} stops the start naming the file and the problem; an encrypted
 * {@code ssl_key} is opened with {@code ssl_passphrase_command} and serves {@code sslmode=require},
 * and a command that fails or prints the wrong passphrase stops the start, naming the setting.
 */
class ProxyMainAuthIT {
    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(1);

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KEY = "jar-pool-key";
    private static final String PASSWORD = "entry pw";

    @TempDir
    Path dir;

    private Path config;
    private int port;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void files() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        port = freePort();
        config = dir.resolve("pgpool.conf");
        // pool_hba.conf next to pgpool.conf rejects everyone; other_hba.conf asks for a password.
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 reject\n");
        Files.writeString(dir.resolve("other_hba.conf"), "host all all 127.0.0.1/32 password\n");
        Path keyFile = Files.writeString(dir.resolve("keyfile"), KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        // The entry is AES: without the key nobody's password can be checked against it.
        Files.writeString(dir.resolve("pool_passwd"), user() + ":" + new AesPasswordCipher(PoolKey.of(KEY)).encrypt(PASSWORD) + "\n");
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("home"));
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private static String user() {
        return pg.cluster().superuser();
    }

    private void writeConfig(List<String> extra) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "listen_addresses = '127.0.0.1'",
                "port = " + port,
                "backend_clustering_mode = 'raw'",
                "backend_hostname0 = '" + pg.primary().host() + "'",
                "backend_port0 = " + pg.primary().port(),
                "pid_file_name = 'run/tidepool.pid'",
                "work_dir = 'run'",
                "log_directory = 'log'",
                "pcp_listen_addresses = '127.0.0.1'",
                "pcp_port = " + freePort(),
                "pcp_socket_dir = ''",
                "pool_passwd = 'pool_passwd'"));
        lines.addAll(extra);
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
    }

    // ---------------------------------------------------------------- -a and -k

    @Test
    void minusAChoosesThePoolHbaFileAndMinusKTheKeyThatOpensAesEntries() throws Exception {
        writeConfig(List.of("enable_pool_hba = on"));

        Process server = start("-a", dir.resolve("other_hba.conf").toString(), "-k", dir.resolve("keyfile").toString());
        assertThat(psql(PASSWORD, "sslmode=disable").stdout().trim()).as(output()).isEqualTo("42");
        assertThat(psql("not the entry pw", "sslmode=disable").stderr())
                .contains("FATAL:  password authentication failed for user \"" + user() + "\"");
        stop(server);

        server = start("-k", dir.resolve("keyfile").toString());
        assertThat(psql(PASSWORD, "sslmode=disable").stderr()).as("without -a: pool_hba.conf next to pgpool.conf")
                .contains("FATAL:  pool_hba.conf rejects connection for host \"127.0.0.1\"");
        stop(server);

        // No -k, no PGPOOLKEYFILE, no ~/.pgpoolkey: the AES entry cannot check the password.
        server = start("-a", dir.resolve("other_hba.conf").toString());
        assertThat(psql(PASSWORD, "sslmode=disable").stderr()).as("without -k")
                .contains("FATAL:  password authentication failed for user \"" + user() + "\"");
        stop(server);
    }

    // ---------------------------------------------------------------- TLS settings Java reads once

    @Test
    void sslEcdhCurveIsTheOnlyEllipticCurveAClientCanUse() throws Exception {
        TestCertificates.create(dir.resolve("pki"));
        writeConfig(List.of("ssl = on", "ssl_cert = 'pki/server.crt'", "ssl_key = 'pki/server.key'",
                "ssl_ecdh_curve = 'secp384r1'"));
        Process server = start();

        CommandResult p384 = sClient("P-384");
        assertThat(p384.exitCode()).as(p384.describe()).isZero();
        assertThat(p384.stdout()).contains("Server Temp Key: ECDH, ").containsAnyOf("P-384", "secp384r1");
        // Java's default groups start with x25519: refused only because ssl_ecdh_curve is applied.
        CommandResult x25519 = sClient("X25519");
        assertThat(x25519.exitCode()).as(x25519.describe()).isNotZero();
        assertThat(x25519.stdout() + x25519.stderr()).containsAnyOf("handshake failure", "alert");
        // libpq offers several groups, secp384r1 among them: ordinary clients are unaffected.
        assertThat(psql("", "sslmode=require").stdout().trim()).as(output()).isEqualTo("42");
        assertThat(output()).contains("ssl_ecdh_curve secp384r1: TLS groups limited to secp384r1");
        stop(server);
    }

    @Test
    void aBrokenDhParamsFileStopsTheStartNamingTheFileAndTheProblem() throws Exception {
        TestCertificates.create(dir.resolve("pki"));
        Path broken = Files.writeString(dir.resolve("dh.pem"),
                "-----BEGIN DH PARAMETERS-----\nMIIBCAKCAQEAh9wb0U+0fWpaC5Au\n-----END DH PARAMETERS-----\n");
        writeConfig(List.of("ssl = on", "ssl_cert = 'pki/server.crt'", "ssl_key = 'pki/server.key'",
                "ssl_dh_params_file = 'dh.pem'"));
        Process server = launch();
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the server gives up").isTrue();
        assertThat(server.exitValue()).isNotZero();
        assertThat(output()).contains("ssl_dh_params_file " + broken.toRealPath(), "cannot be decoded");
    }

    // ---------------------------------------------------------------- ssl_passphrase_command

    @Test
    void anEncryptedKeyOpenedBySslPassphraseCommandServesSslmodeRequire() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        certs.encryptedKey("server", "open sesame");
        Files.delete(certs.key("server"));
        Path prompts = dir.resolve("prompts");
        Path script = Files.writeString(dir.resolve("passphrase.sh"),
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + prompts + "\necho 'open sesame'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        writeConfig(List.of("ssl = on", "ssl_cert = 'pki/server.crt'", "ssl_key = 'pki/server-enc.key'",
                "ssl_passphrase_command = '" + script + " %p'"));

        Process server = start();

        CommandResult require = psql("", "sslmode=require");
        assertThat(require.exitCode()).as(require.describe() + output()).isZero();
        assertThat(require.stdout().trim()).isEqualTo("42");
        assertThat(Files.readString(prompts)).as("%p is the prompt").isEqualTo("Enter PEM pass phrase:\n");
        assertThat(output()).doesNotContain("open sesame");
        stop(server);
    }

    @Test
    void aFailingOrWrongSslPassphraseCommandStopsTheStartNamingTheSetting() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        certs.encryptedKey("server", "open sesame");
        writeConfig(List.of("ssl = on", "ssl_cert = 'pki/server.crt'", "ssl_key = 'pki/server-enc.key'",
                "ssl_passphrase_command = 'exit 3'"));
        Process failing = launch();
        assertThat(failing.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the server gives up").isTrue();
        assertThat(failing.exitValue()).isNotZero();
        assertThat(output()).contains("ssl_passphrase_command exited with status 3");

        Files.delete(dir.resolve("server.out"));
        writeConfig(List.of("ssl = on", "ssl_cert = 'pki/server.crt'", "ssl_key = 'pki/server-enc.key'",
                "ssl_passphrase_command = 'echo not-the-passphrase'"));
        Process wrong = launch();
        assertThat(wrong.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the server gives up").isTrue();
        assertThat(wrong.exitValue()).isNotZero();
        assertThat(output()).contains("ssl_key " + dir.resolve("pki/server-enc.key").toRealPath()
                        + " cannot be decrypted with the passphrase ssl_passphrase_command printed")
                .doesNotContain("not-the-passphrase");
    }

    // ---------------------------------------------------------------- helpers

    private CommandResult sClient(String group) {
        return ExternalCommand.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-starttls", "postgres",
                        "-tls1_3", "-groups", group)
                .timeout(Duration.ofSeconds(30)).stdin("").run();
    }

    private CommandResult psql(String password, String sslmode) {
        return ExternalCommand.of(PgBinaries.locate().psql().toString(), "-X", "-At", "-w", "-c", "select 40 + 2",
                        "host=127.0.0.1 port=" + port + " user=" + user() + " dbname=postgres " + sslmode)
                .timeout(Duration.ofSeconds(60)).env("PGPASSWORD", password).env("PGPASSFILE", "/dev/null")
                .env("PGCONNECT_TIMEOUT", "10").env("HOME", dir.resolve("home").toString()).run();
    }

    private Process start(String... options) throws Exception {
        Process server = launch(options);
        awaitListening(server);
        return server;
    }

    private Process launch(String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", serverJar().toString(), "-n", "-f", config.toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // No pool key but the one -k names.
        builder.environment().remove("PGPOOLKEYFILE");
        builder.environment().put("HOME", dir.resolve("home").toString());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private void stop(Process server) throws Exception {
        server.destroy();
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
    }

    private String output() throws IOException {
        Path out = dir.resolve("server.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    private static Path serverJar() {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target").toAbsolutePath(), "*-server.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no target/*-server.jar: run the integration tests with 'mvn verify'");
    }

    private void awaitListening(Process server) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline) && server.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the server never listened on " + port + "; its output:\n" + output());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
