package io.tidepool.auth;

import io.tidepool.auth.hba.PoolHba;
import io.tidepool.auth.tls.ServerTls;
import io.tidepool.auth.tls.ServerTlsHolder;
import io.tidepool.auth.tls.TestCertificates;
import io.tidepool.auth.tls.TlsSettings;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.PgBinaries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * psql (libpq), pgJDBC and openssl s_client log in to the authentication machinery
 * ({@link AuthTestServer}: pool_hba.conf, pool_passwd, {@link FrontendAuthenticator},
 * {@link ServerTls}) as real clients: SCRAM, md5 and cleartext over every pool_passwd format,
 * TLS with {@code sslmode=require} and {@code verify-full}, certificate authentication, cipher
 * lists and a reload with a broken certificate.
 */
class FrontendAuthenticationIT {

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static final PoolKey KEY = PoolKey.of("it-key");
    static final AtomicReference<PoolHba> hba = new AtomicReference<>();
    static ServerTlsHolder tls;
    static TlsSettings tlsSettings;
    static AuthTestServer server;
    static PoolPasswdStore store;

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        certs = TestCertificates.create(dir.resolve("pki"));
        certs.client("alice-cert", "alice");
        certs.client("bob-cert", "bob");
        certs.expiredClient("alice-old", "alice");
        certs.stranger("alice-stranger", "alice");
        AesPasswordCipher aes = new AesPasswordCipher(KEY);
        PoolPasswdFile file = PoolPasswdFile.empty()
                .withEntry("u_scram", ScramVerifier.fromPassword("pw scram", salt(), 4096).format())
                .withEntry("u_md5", Md5Hash.postgresShadow("u_md5", "pw md5"))
                .withEntry("u_aes", aes.encrypt("pw aes"))
                .withEntry("u_text", "TEXTpw text")
                .withEntry("u_plain", "pw plain")
                .withEntry("alice", "TEXTalice pw");
        store = PoolPasswdStore.of(file, Optional.of(KEY));
        tlsSettings = new TlsSettings(true, Optional.of(certs.cert("server")), Optional.of(certs.key("server")),
                Optional.of(certs.ca()), Optional.empty(), Optional.empty(), TlsSettings.DEFAULT_CIPHERS, false,
                "prime256v1", Optional.empty(), "");
        tls = ServerTlsHolder.load(tlsSettings);
        useHba("""
                hostssl certdb all 127.0.0.1/32 cert
                hostssl ssldb  all 127.0.0.1/32 scram-sha-256
                hostnossl ssldb all 127.0.0.1/32 reject
                host    md5db  all 127.0.0.1/32 md5
                host    pwdb   all 127.0.0.1/32 password
                host    all    all 127.0.0.1/32 scram-sha-256
                """);
        server = new AuthTestServer(hba::get, () -> store, tls::current, false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static byte[] salt() {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        return salt;
    }

    static void useHba(String rules) throws Exception {
        hba.set(PoolHba.parse(rules, dir.resolve("pool_hba.conf")));
    }

    // ---------------------------------------------------------------- clients

    static CommandResult psql(String conninfo, String password, Map<String, String> env) {
        ExternalCommand command = ExternalCommand.of(PgBinaries.locate().psql().toString(), "-X", "-At", "-c",
                        "select 1", conninfo)
                .timeout(Duration.ofSeconds(60))
                .env("PGCONNECT_TIMEOUT", "10")
                .env("PGPASSFILE", "/dev/null")
                .env("HOME", dir.toString())
                .env(env);
        if (password != null) {
            command.env("PGPASSWORD", password);
        }
        return command.run();
    }

    static String conninfo(String user, String database, String extra) {
        return "host=127.0.0.1 port=" + server.port() + " user=" + user + " dbname=" + database + " " + extra;
    }

    static Connection jdbc(String user, String password, String database, Map<String, String> extra) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("sslmode", "disable");
        extra.forEach(props::setProperty);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + database, props);
    }

    // ---------------------------------------------------------------- SCRAM, md5, password

    @ParameterizedTest
    @ValueSource(strings = {"u_scram:pw scram", "u_aes:pw aes", "u_text:pw text", "u_plain:pw plain"})
    void scramWithPsqlAndPgJdbcOverEveryFormatThatHoldsThePassword(String userAndPassword) throws Exception {
        String user = userAndPassword.split(":")[0];
        String password = userAndPassword.split(":")[1];

        CommandResult psql = psql(conninfo(user, "app", "sslmode=disable"), password, Map.of());
        assertThat(psql.exitCode()).as(psql.describe()).isZero();
        assertThat(psql.stdout().trim()).startsWith(user + "/scram-sha-256/");
        try (Connection connection = jdbc(user, password, "app", Map.of())) {
            assertThat(connection.isClosed()).isFalse();
        }
    }

    @Test
    void scramWithAnMd5EntryCannotCheckAndRefusesLikeAWrongPassword() {
        CommandResult psql = psql(conninfo("u_md5", "app", "sslmode=disable"), "pw md5", Map.of());

        assertThat(psql.exitCode()).isEqualTo(2);
        assertThat(psql.stderr()).contains("FATAL:  password authentication failed for user \"u_md5\"");
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameErrorFromPsqlAndPgJdbc() {
        CommandResult wrong = psql(conninfo("u_scram", "app", "sslmode=disable"), "nope", Map.of());
        CommandResult unknown = psql(conninfo("nobody", "app", "sslmode=disable"), "nope", Map.of());

        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(unknown.exitCode()).isEqualTo(2);
        String wrongLine = wrong.stderr().lines().filter(l -> l.contains("FATAL")).findFirst().orElseThrow();
        String unknownLine = unknown.stderr().lines().filter(l -> l.contains("FATAL")).findFirst().orElseThrow();
        assertThat(unknownLine.replace("nobody", "u_scram")).isEqualTo(wrongLine);

        SQLException jdbcWrong = catchSql(() -> jdbc("u_scram", "nope", "app", Map.of()));
        SQLException jdbcUnknown = catchSql(() -> jdbc("nobody", "nope", "app", Map.of()));
        assertThat(jdbcWrong.getSQLState()).isEqualTo(jdbcUnknown.getSQLState()).isEqualTo("28P01");
        assertThat(jdbcUnknown.getMessage().replace("nobody", "u_scram")).isEqualTo(jdbcWrong.getMessage());
    }

    @Test
    void md5AndPasswordMethodsWithPsqlAndPgJdbc() throws Exception {
        for (String[] c : new String[][] {{"u_md5", "pw md5", "md5db"}, {"u_text", "pw text", "md5db"},
                {"u_scram", "pw scram", "pwdb"}, {"u_md5", "pw md5", "pwdb"}, {"u_aes", "pw aes", "pwdb"}}) {
            CommandResult psql = psql(conninfo(c[0], c[2], "sslmode=disable"), c[1], Map.of());
            assertThat(psql.exitCode()).as(psql.describe()).isZero();
            try (Connection connection = jdbc(c[0], c[1], c[2], Map.of())) {
                assertThat(connection.isClosed()).isFalse();
            }
            SQLException wrong = catchSql(() -> jdbc(c[0], "bad", c[2], Map.of()));
            assertThat(wrong.getSQLState()).isEqualTo("28P01");
        }
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void sslModeRequireWithPsqlAndPgJdbc() throws Exception {
        CommandResult psql = psql(conninfo("u_scram", "ssldb", "sslmode=require"), "pw scram", Map.of());
        assertThat(psql.exitCode()).as(psql.describe()).isZero();

        try (Connection connection = jdbc("u_scram", "pw scram", "ssldb", Map.of("sslmode", "require"))) {
            assertThat(connection.isClosed()).isFalse();
        }
    }

    @Test
    void sslModeVerifyFullWithPsqlAndPgJdbc() throws Exception {
        String ca = certs.ca().toString();
        for (String host : List.of("localhost", "127.0.0.1")) {
            CommandResult psql = psql("host=" + host + " port=" + server.port() + " user=u_scram dbname=ssldb sslmode=verify-full"
                    + " sslrootcert=" + ca, "pw scram", Map.of());
            assertThat(psql.exitCode()).as(psql.describe()).isZero();
        }
        try (Connection connection = jdbc("u_scram", "pw scram", "ssldb",
                Map.of("sslmode", "verify-full", "sslrootcert", ca))) {
            assertThat(connection.isClosed()).isFalse();
        }
    }

    @Test
    void verifyFullAgainstAnotherCaIsRefusedByTheClient() throws Exception {
        TestCertificates other = TestCertificates.create(dir.resolve("other-ca"));

        CommandResult psql = psql(conninfo("u_scram", "ssldb", "sslmode=verify-full sslrootcert=" + other.ca()),
                "pw scram", Map.of());

        assertThat(psql.exitCode()).isEqualTo(2);
        assertThat(psql.stderr()).contains("certificate verify failed");
    }

    @Test
    void hostSslLineRefusesAClientWithoutTls() throws Exception {
        CommandResult psql = psql(conninfo("u_scram", "ssldb", "sslmode=disable"), "pw scram", Map.of());

        assertThat(psql.exitCode()).isEqualTo(2);
        assertThat(psql.stderr()).contains("pool_hba.conf rejects connection for host \"127.0.0.1\", user \"u_scram\","
                + " database \"ssldb\", no encryption");
        SQLException jdbc = catchSql(() -> jdbc("u_scram", "pw scram", "ssldb", Map.of()));
        assertThat(jdbc.getSQLState()).isEqualTo("28000");
    }

    @Test
    void certificateAuthenticationWithPsql() {
        String ca = " sslrootcert=" + certs.ca();
        CommandResult in = psql(conninfo("alice", "certdb", "sslmode=verify-ca sslcert=" + certs.cert("alice-cert")
                + " sslkey=" + certs.key("alice-cert") + ca), null, Map.of());
        assertThat(in.exitCode()).as(in.describe()).isZero();
        assertThat(in.stdout().trim()).startsWith("alice/cert/");

        CommandResult otherName = psql(conninfo("alice", "certdb", "sslmode=verify-ca sslcert=" + certs.cert("bob-cert")
                + " sslkey=" + certs.key("bob-cert") + ca), null, Map.of());
        assertThat(otherName.exitCode()).isEqualTo(2);
        assertThat(otherName.stderr()).contains("certificate authentication failed for user \"alice\"");

        CommandResult none = psql(conninfo("alice", "certdb", "sslmode=verify-ca" + ca), null, Map.of());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.stderr()).contains("connection requires a valid client certificate");
    }

    @Test
    void expiredAndUntrustedClientCertificatesAreRefused() {
        for (String name : List.of("alice-old", "alice-stranger")) {
            CommandResult psql = psql(conninfo("alice", "certdb", "sslmode=require sslcert=" + certs.cert(name)
                    + " sslkey=" + certs.key(name)), null, Map.of());
            assertThat(psql.exitCode()).as(name + ": " + psql.describe()).isEqualTo(2);
            assertThat(psql.stderr()).as(name).containsAnyOf("certificate", "SSL");
        }
        // Everyone else is still served.
        assertThat(psql(conninfo("u_text", "app", "sslmode=require"), "pw text", Map.of()).exitCode()).isZero();
    }

    @Test
    void cipherSettingIsHonouredForAnOpenSslClient() throws Exception {
        TlsSettings only = new TlsSettings(true, tlsSettings.certificate(), tlsSettings.key(), tlsSettings.caCertificates(),
                Optional.empty(), Optional.empty(), "ECDHE-ECDSA-AES128-GCM-SHA256", false, "prime256v1", Optional.empty(), "");
        assertThat(tls.reload(only)).isTrue();
        try {
            CommandResult allowed = sClient("ECDHE-ECDSA-AES128-GCM-SHA256");
            assertThat(allowed.stdout()).as(allowed.describe()).contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256");
            CommandResult refused = sClient("ECDHE-ECDSA-AES256-GCM-SHA384");
            assertThat(refused.stdout() + refused.stderr()).as(refused.describe())
                    .containsAnyOf("handshake failure", "Cipher is (NONE)", "alert");
            assertThat(refused.stdout()).doesNotContain("Cipher is ECDHE-ECDSA-AES256-GCM-SHA384");
        } finally {
            assertThat(tls.reload(tlsSettings)).isTrue();
        }
    }

    private static CommandResult sClient(String cipher) {
        return ExternalCommand.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(), "-starttls", "postgres",
                "-tls1_2", "-cipher", cipher, "-CAfile", certs.ca().toString()).stdin("").timeout(Duration.ofSeconds(30)).run();
    }

    @Test
    void reloadWithABrokenCertificateKeepsServingTls(@TempDir Path scratch) throws Exception {
        Path brokenCert = Files.writeString(scratch.resolve("broken.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n");
        TlsSettings broken = new TlsSettings(true, Optional.of(brokenCert), tlsSettings.key(), tlsSettings.caCertificates(),
                Optional.empty(), Optional.empty(), TlsSettings.DEFAULT_CIPHERS, false, "prime256v1", Optional.empty(), "");
        ServerTls before = tls.current().orElseThrow();

        assertThat(tls.reload(broken)).isFalse();

        assertThat(tls.current()).containsSame(before);
        CommandResult psql = psql(conninfo("u_scram", "ssldb", "sslmode=verify-full sslrootcert=" + certs.ca()),
                "pw scram", Map.of());
        assertThat(psql.exitCode()).as(psql.describe()).isZero();
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static SQLException catchSql(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("expected the connection to be refused");
    }

    @Test
    void everyRefusalWasReportedWithASqlstate() {
        List<String> states = new ArrayList<>();
        server.refusals.forEach(f -> states.add(f.sqlState()));
        assertThat(states).allMatch(s -> s.matches("[0-9A-Z]{5}"));
        assertThatThrownBy(() -> jdbc("nobody", "x", "app", Map.of())).isInstanceOf(SQLException.class);
    }
}
