package io.tidepool.frontend;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.PoolKey;
import io.tidepool.auth.tls.TestCertificates;
import io.tidepool.backend.BackendNode;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.PgBinaries;
import io.tidepool.protocol.ProtocolLimits;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterAll;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy authenticating clients itself (pool_hba.conf on) in front of a 2-node cluster that
 * wants SCRAM: every way in that must fail does, with its SQLSTATE, and a session that was
 * already open keeps working; TLS with psql and pgJDBC up to {@code verify-full}, client
 * certificates revoked by {@code ssl_crl_file} (at start and after a reload), and a reload with a
 * broken certificate that keeps TLS served.
 */
@ExtendWith(LeakDetection.class)
class ProxyAuthenticationIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(1, b -> b.auth(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256));

    static final String PASSWORD = "alice pw";
    /**
     * Short enough to wait for in a test, long enough for TLS plus three PBKDF2 runs (client,
     * proxy, backend login) on a loaded two-core machine.
     */
    static final Duration AUTHENTICATION_TIMEOUT = Duration.ofSeconds(6);

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static Path pgpoolConf;
    static AuthenticationServices auth;
    static ProxyServer proxy;
    static int port;
    static Connection bystander;

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        certs = TestCertificates.create(dir.resolve("pki"));
        certs.client("alice", "alice");
        certs.expiredClient("alice-old", "alice");
        certs.stranger("alice-stranger", "alice");
        certs.client("alice-revoked", "alice");
        certs.client("alice-later", "alice");
        certs.revoke("alice-revoked");
        // pgJDBC reads client keys as PKCS#8 DER.
        for (String name : List.of("alice", "alice-revoked")) {
            ExternalCommand.of("openssl", "pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in", certs.key(name).toString(),
                    "-out", dir.resolve("pki/" + name + ".pk8").toString()).timeout(Duration.ofSeconds(30)).run().orThrow("pkcs8");
        }
        pg.cluster().createUser("alice", PASSWORD);
        pg.cluster().createDatabase("certdb", "alice");
        pg.cluster().createDatabase("ssldb", "alice");
        Files.writeString(dir.resolve("pool_hba.conf"), """
                hostssl   certdb all     127.0.0.1/32 cert
                hostssl   ssldb  all     127.0.0.1/32 scram-sha-256
                hostnossl ssldb  all     127.0.0.1/32 reject
                host      all    mallory 127.0.0.1/32 reject
                host      all    all     127.0.0.1/32 scram-sha-256
                """);
        Files.writeString(dir.resolve("pool_passwd"), "alice:TEXT" + PASSWORD + "\n");
        pgpoolConf = dir.resolve("pgpool.conf");
        writeConf("pki/server.crt");
        auth = AuthenticationServices.load(PgpoolConfig.load(pgpoolConf), Optional.<PoolKey>empty());
        List<BackendNode> backends = new ArrayList<>();
        for (var node : pg.cluster().nodes()) {
            backends.add(new BackendNode(backends.size(), node.host(), node.port()));
        }
        SessionSettings session = new SessionSettings(backends, ProtocolLimits.POSTGRESQL, Duration.ofSeconds(10),
                AUTHENTICATION_TIMEOUT, false, false, false, false);
        proxy = new ProxyServer(ProxySettings.loopback(0, backends).withSession(session)).useAuthentication(auth);
        proxy.start();
        port = proxy.tcpAddress().getPort();
        bystander = jdbc("alice", PASSWORD, "postgres", Map.of());
    }

    /** The pgpool.conf a reload reads: the same backends and timeouts as the proxy started with. */
    static void writeConf(String cert) throws IOException {
        StringBuilder backends = new StringBuilder();
        for (var node : pg.cluster().nodes()) {
            int id = pg.cluster().nodes().indexOf(node);
            backends.append("backend_hostname").append(id).append(" = '").append(node.host()).append("'\n")
                    .append("backend_port").append(id).append(" = ").append(node.port()).append("\n");
        }
        Files.writeString(pgpoolConf, backends + "authentication_timeout = " + AUTHENTICATION_TIMEOUT.toSeconds()
                + "\nconnect_timeout = 10000\n" + """
                enable_pool_hba = on
                pool_passwd = 'pool_passwd'
                ssl = on
                ssl_cert = '%s'
                ssl_key = 'pki/server.key'
                ssl_ca_cert = 'pki/ca.crt'
                ssl_crl_file = 'pki/crl.pem'
                """.formatted(cert));
    }

    @AfterAll
    static void stop() throws Exception {
        if (bystander != null) {
            bystander.close();
        }
        if (proxy != null) {
            proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
        }
    }

    /** After every refusal, the session opened at the start still works. */
    @AfterEach
    void bystanderIsUnaffected() throws SQLException {
        try (ResultSet rows = bystander.createStatement().executeQuery("select current_user, 40 + 2")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("alice");
            assertThat(rows.getInt(2)).isEqualTo(42);
        }
    }

    // ---------------------------------------------------------------- clients

    static CommandResult psql(String conninfo, String password) {
        ExternalCommand command = ExternalCommand.of(PgBinaries.locate().psql().toString(), "-X", "-At", "-c",
                        "select current_user", conninfo)
                .timeout(Duration.ofSeconds(60)).env("PGPASSFILE", "/dev/null").env("PGCONNECT_TIMEOUT", "10")
                .env("HOME", dir.toString());
        if (password != null) {
            command.env("PGPASSWORD", password);
        }
        return command.run();
    }

    static String at(String user, String database, String extra) {
        return "host=127.0.0.1 port=" + port + " user=" + user + " dbname=" + database + " " + extra;
    }

    static Connection jdbc(String user, String password, String database, Map<String, String> extra) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("sslmode", "disable");
        extra.forEach(props::setProperty);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    static SQLException refusal(String user, String password, String database) {
        try (Connection ignored = jdbc(user, password, database, Map.of())) {
            throw new AssertionError("expected a refusal");
        } catch (SQLException e) {
            return e;
        }
    }

    /** A hand-written client on a raw socket. */
    static final class RawClient implements AutoCloseable {
        final Socket socket = new Socket("127.0.0.1", port);
        final OutputStream out;
        final DataInputStream in;

        RawClient() throws IOException {
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
        }

        void startup(String user) throws IOException {
            byte[] params = ("user\0" + user + "\0database\0postgres\0\0").getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(8 + params.length).putInt(8 + params.length).putInt(196608).put(params).array());
            out.flush();
        }

        void send(char type, byte[] body) throws IOException {
            out.write(ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array());
            out.flush();
        }

        /** Type and body of the next message. */
        Map.Entry<Character, byte[]> next() throws IOException {
            char type = (char) in.readByte();
            int length = in.readInt();
            return Map.entry(type, in.readNBytes(length - 4));
        }

        /** The next message must be an ErrorResponse; returns "SQLSTATE message". */
        String error() throws IOException {
            Map.Entry<Character, byte[]> message = next();
            assertThat(message.getKey()).isEqualTo('E');
            String code = "";
            String text = "";
            for (String field : new String(message.getValue(), StandardCharsets.UTF_8).split("\0")) {
                if (field.startsWith("C")) {
                    code = field.substring(1);
                } else if (field.startsWith("M")) {
                    text = field.substring(1);
                }
            }
            return code + " " + text;
        }

        boolean closedByPeer() throws IOException {
            return in.read() == -1;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        CommandResult wrong = psql(at("alice", "postgres", "sslmode=disable"), "nope");
        CommandResult unknown = psql(at("nobody", "postgres", "sslmode=disable"), "nope");

        assertThat(wrong.stderr()).contains("FATAL:  password authentication failed for user \"alice\"");
        assertThat(unknown.stderr().replace("nobody", "alice")).isEqualTo(wrong.stderr().replaceAll("port \\d+", "port N")
                .replace("port N", "port " + port));
        SQLException a = refusal("alice", "nope", "postgres");
        SQLException b = refusal("nobody", "nope", "postgres");
        assertThat(a.getSQLState()).isEqualTo(b.getSQLState()).isEqualTo("28P01");
        assertThat(b.getMessage().replace("nobody", "alice")).isEqualTo(a.getMessage());
    }

    @Test
    void userOnARejectLineIsRefused() {
        SQLException e = refusal("mallory", PASSWORD, "postgres");

        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage()).contains("pool_hba.conf rejects connection for host \"127.0.0.1\", user \"mallory\"");
    }

    @Test
    void hostSslDatabaseRefusesAClientWithoutTls() {
        CommandResult psql = psql(at("alice", "ssldb", "sslmode=disable"), PASSWORD);

        assertThat(psql.exitCode()).isEqualTo(2);
        assertThat(psql.stderr()).contains("pool_hba.conf rejects connection for host \"127.0.0.1\", user \"alice\", "
                + "database \"ssldb\", no encryption");
    }

    @Test
    void expiredAndUntrustedClientCertificatesAreRefusedAndAGoodOneIsIn() {
        ListAppender<ILoggingEvent> sessionLog = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ClientSession.class);
        sessionLog.start();
        logger.addAppender(sessionLog);
        try {
            for (String name : List.of("alice-old", "alice-stranger")) {
                CommandResult psql = psql(at("alice", "certdb", "sslmode=require sslcert=" + certs.cert(name) + " sslkey="
                        + certs.key(name)), null);
                assertThat(psql.exitCode()).as(name + ": " + psql.describe()).isEqualTo(2);
            }
        } finally {
            logger.detachAppender(sessionLog);
        }
        // A refused certificate is the client's problem, logged as such: not a warning, not a bug.
        assertThat(sessionLog.list).filteredOn(e -> e.getFormattedMessage().startsWith("TLS handshake with client"))
                .isNotEmpty().allMatch(e -> e.getLevel() == Level.INFO);
        assertThat(sessionLog.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        CommandResult good = psql(at("alice", "certdb", "sslmode=verify-full sslrootcert=" + certs.ca()
                + " sslcert=" + certs.cert("alice") + " sslkey=" + certs.key("alice")).replace("127.0.0.1", "localhost"), null);
        assertThat(good.exitCode()).as(good.describe()).isZero();
        assertThat(good.stdout().trim()).isEqualTo("alice");
    }

    @Test
    void aClientCertificateRevokedBySslCrlFileIsRefusedAndAnUnrevokedOneOfTheSameCaIsIn() {
        CommandResult revoked = psql(certLogin("alice-revoked"), null);
        assertThat(revoked.exitCode()).as(revoked.describe()).isEqualTo(2);
        assertThat(revoked.stderr()).as(revoked.describe()).contains("SSL error").containsAnyOf(REVOKED_ALERTS);
        SQLException jdbcRevoked = certRefusal("alice-revoked");
        // TLS 1.3 lets the client finish its side of the handshake before the server has judged the
        // certificate: pgJDBC sees the refusal in the handshake (08006) or at its first read (08001).
        assertThat(jdbcRevoked.getSQLState()).as(jdbcRevoked.toString()).isIn("08006", "08001");

        CommandResult good = psql(certLogin("alice"), null);
        assertThat(good.exitCode()).as(good.describe()).isZero();
        assertThat(good.stdout().trim()).isEqualTo("alice");
        try (Connection connection = jdbc("alice", "", "certdb", certProperties("alice"));
             ResultSet rows = connection.createStatement().executeQuery("select current_user")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("alice");
        } catch (SQLException e) {
            throw new AssertionError("the unrevoked certificate is refused", e);
        }
    }

    @Test
    void aCertificateRevokedAfterTheStartIsRefusedOnceTheProxyReloads() throws Exception {
        assertThat(psql(certLogin("alice-later"), null).stdout().trim()).isEqualTo("alice");
        certs.revoke("alice-later");
        CommandResult beforeReload = psql(certLogin("alice-later"), null);
        assertThat(beforeReload.exitCode()).as("ssl_crl_file is read at start and reload: " + beforeReload.describe()).isZero();

        proxy.reload(PgpoolConfig.load(pgpoolConf));

        CommandResult afterReload = psql(certLogin("alice-later"), null);
        assertThat(afterReload.exitCode()).as(afterReload.describe()).isEqualTo(2);
        assertThat(afterReload.stderr()).containsAnyOf(REVOKED_ALERTS);
        assertThat(psql(certLogin("alice"), null).stdout().trim()).isEqualTo("alice");
    }

    /**
     * How libpq words the TLS alert for a revoked client certificate: PostgreSQL (OpenSSL) sends
     * certificate_revoked, Java's TLS 1.3 server sends certificate_unknown for any client
     * certificate its trust manager refuses (the proxy's log names the revocation).
     */
    static final String[] REVOKED_ALERTS = {"alert certificate revoked", "alert certificate unknown"};

    static String certLogin(String name) {
        return at("alice", "certdb", "sslmode=require sslcert=" + certs.cert(name) + " sslkey=" + certs.key(name));
    }

    static Map<String, String> certProperties(String name) {
        return Map.of("sslmode", "require", "sslcert", certs.cert(name).toString(),
                "sslkey", dir.resolve("pki/" + name + ".pk8").toString());
    }

    static SQLException certRefusal(String name) {
        try (Connection ignored = jdbc("alice", "", "certdb", certProperties(name))) {
            throw new AssertionError("expected " + name + " to be refused");
        } catch (SQLException e) {
            return e;
        }
    }

    @Test
    void exchangeThatNeverFinishesIsCutAtAuthenticationTimeout() throws Exception {
        try (RawClient client = new RawClient()) {
            client.startup("alice");
            Map.Entry<Character, byte[]> sasl = client.next();
            assertThat(sasl.getKey()).isEqualTo('R');
            long started = System.nanoTime();

            String error = client.error();

            assertThat(error).startsWith("08006 authentication did not complete within authentication_timeout ("
                    + AUTHENTICATION_TIMEOUT.toSeconds() + " s)");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(AUTHENTICATION_TIMEOUT.plusSeconds(15));
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void oversizedMessageBeforeAuthenticationIsRefusedFromItsHeader() throws Exception {
        try (RawClient client = new RawClient()) {
            client.startup("alice");
            assertThat(client.next().getKey()).isEqualTo('R');
            // Only the header of a 1 MB password message: the length alone must be enough to refuse.
            client.out.write(ByteBuffer.allocate(5).put((byte) 'p').putInt(1_000_000).array());
            client.out.flush();

            assertThat(client.error()).startsWith("08P01").contains("exceeds limit 10000");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void forgedScramProofIsRefused() throws Exception {
        try (RawClient client = new RawClient()) {
            client.startup("alice");
            assertThat(client.next().getKey()).isEqualTo('R');
            byte[] first = "n,,n=,r=forgedclientnonce".getBytes(StandardCharsets.US_ASCII);
            byte[] mechanism = "SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII);
            client.send('p', ByteBuffer.allocate(mechanism.length + 4 + first.length).put(mechanism).putInt(first.length)
                    .put(first).array());
            Map.Entry<Character, byte[]> cont = client.next();
            String serverFirst = new String(cont.getValue(), 4, cont.getValue().length - 4, StandardCharsets.US_ASCII);
            String nonce = serverFirst.substring(2, serverFirst.indexOf(','));

            client.send('p', ("c=biws,r=" + nonce + ",p=" + Base64.getEncoder().encodeToString(new byte[32]))
                    .getBytes(StandardCharsets.US_ASCII));

            assertThat(client.error()).isEqualTo("28P01 password authentication failed for user \"alice\"");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void unencryptedBytesSentRightAfterAnSslRequestAreRefused() throws Exception {
        try (RawClient client = new RawClient()) {
            byte[] params = "user\0alice\0\0".getBytes(StandardCharsets.UTF_8);
            client.out.write(ByteBuffer.allocate(8 + 8 + params.length).putInt(8).putInt(80877103)
                    .putInt(8 + params.length).putInt(196608).put(params).array());
            client.out.flush();

            assertThat(client.error()).startsWith("08P01 received unencrypted data after the SSL request");
        }
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void tlsRequireAndVerifyFullWithPsqlAndPgJdbcReachTheBackend() throws Exception {
        CommandResult require = psql(at("alice", "ssldb", "sslmode=require"), PASSWORD);
        assertThat(require.exitCode()).as(require.describe()).isZero();
        assertThat(require.stdout().trim()).isEqualTo("alice");
        CommandResult verifyFull = psql(at("alice", "ssldb", "sslmode=verify-full sslrootcert=" + certs.ca())
                .replace("127.0.0.1", "localhost"), PASSWORD);
        assertThat(verifyFull.exitCode()).as(verifyFull.describe()).isZero();

        for (String mode : List.of("require", "verify-full")) {
            try (Connection connection = jdbc("alice", PASSWORD, "ssldb", Map.of("sslmode", mode,
                    "sslrootcert", certs.ca().toString()));
                 ResultSet rows = connection.createStatement().executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
                assertThat(rows.next()).as(mode).isTrue();
            }
        }
    }

    @Test
    void reloadWithABrokenCertificateKeepsServingTls() throws Exception {
        Files.writeString(dir.resolve("pki/broken.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n");
        writeConf("pki/broken.crt");
        try {
            proxy.reload(PgpoolConfig.load(pgpoolConf));
            assertThat(auth.serverTls()).as("the old certificate stays").isPresent();

            CommandResult psql = psql(at("alice", "ssldb", "sslmode=verify-full sslrootcert=" + certs.ca())
                    .replace("127.0.0.1", "localhost"), PASSWORD);
            assertThat(psql.exitCode()).as(psql.describe()).isZero();
        } finally {
            writeConf("pki/server.crt");
            proxy.reload(PgpoolConfig.load(pgpoolConf));
        }
    }
}
