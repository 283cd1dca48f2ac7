package io.tidepool.frontend;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.AuthFailure;
import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.Md5Hash;
import io.tidepool.auth.PoolKey;
import io.tidepool.auth.ScramClientExchange;
import io.tidepool.backend.BackendNode;
import io.tidepool.backend.BackendPool;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.PasswordStorage;
import io.tidepool.ops.local.PgBinaries;
import io.tidepool.protocol.ProtocolLimits;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ServingSettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code enable_pool_hba = off} in front of a streaming primary and standby: the proxy asks the
 * client for the method the primary asks for (md5, SCRAM), checks the answer against pool_passwd
 * and logs in to both nodes from pool_passwd, so reads reach the standby; psql and pgJDBC alike.
 * Also: a wrong password and an unknown user look the same, a user without an entry is pointed to
 * pool_passwd, and a connection the primary let in only after a password is pooled for the next
 * client the proxy checks (md5 and SCRAM), but not handed to a client that gives none once a
 * reload has turned pool_hba off.
 */
@ExtendWith(LeakDetection.class)
class PoolHbaOffStreamingIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(1, b -> b.auth(AuthMethod.TRUST, AuthMethod.MD5));

    static final PoolKey KEY = PoolKey.of("pool-hba-off-key");
    /** Stored as md5 in PostgreSQL and in pool_passwd: the primary asks md5. */
    static final String MD5_USER = "dave";
    static final String MD5_PASSWORD = "dave's pw";
    /** Stored as SCRAM in PostgreSQL, AES in pool_passwd: the primary asks SCRAM. */
    static final String SCRAM_USER = "erin";
    static final String SCRAM_PASSWORD = "erin's pw";
    /** A role with no pool_passwd entry. */
    static final String NO_ENTRY_USER = "gina";
    static final String NO_ENTRY_PASSWORD = "gina's pw";

    @TempDir
    static Path dir;
    static Path pgpoolConf;
    static AuthenticationServices auth;
    static ProxyServer proxy;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        pg.cluster().createUser(MD5_USER, MD5_PASSWORD, PasswordStorage.MD5);
        pg.cluster().createUser(SCRAM_USER, SCRAM_PASSWORD, PasswordStorage.SCRAM_SHA_256);
        pg.cluster().createUser(NO_ENTRY_USER, NO_ENTRY_PASSWORD, PasswordStorage.MD5);
        pg.primary().execute("CREATE TABLE tp_reads (id int PRIMARY KEY); INSERT INTO tp_reads VALUES (1); "
                + "GRANT SELECT ON tp_reads TO PUBLIC");
        pg.cluster().awaitCaughtUp();
        Files.writeString(dir.resolve("pool_passwd"), MD5_USER + ":" + Md5Hash.postgresShadow(MD5_USER, MD5_PASSWORD) + "\n"
                + SCRAM_USER + ":" + new AesPasswordCipher(KEY).encrypt(SCRAM_PASSWORD) + "\n");
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 md5\n");
        pgpoolConf = dir.resolve("pgpool.conf");
        writePgpoolConf(false);
        auth = AuthenticationServices.load(PgpoolConfig.load(pgpoolConf), Optional.of(KEY));
        List<BackendNode> nodes = new ArrayList<>();
        for (var node : pg.nodes()) {
            nodes.add(new BackendNode(nodes.size(), node.host(), node.port()));
        }
        // Every read to the standby: a read that succeeds proves the standby login.
        ServingSettings serving = ServingSettings.unlimited().withWeights(List.of(0.0, 1.0))
                .withCatalogUser(pg.cluster().superuser(), pg.cluster().superuserPassword())
                .withPool(new BackendPool.Settings(true, 8, Duration.ZERO, 0, List.of("ABORT", "DISCARD ALL")));
        serving = serving.withRouting(serving.routing().toBuilder().statementLevelLoadBalance(true).build());
        SessionSettings session = new SessionSettings(nodes, ProtocolLimits.POSTGRESQL, Duration.ofSeconds(10),
                Duration.ofSeconds(20), false, false, false, false);
        proxy = new ProxyServer(ProxySettings.loopback(0, nodes).withSession(session).streaming(serving))
                .useAuthentication(auth);
        proxy.start();
        port = proxy.tcpAddress().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void poolHbaOffAndBackendsOnMd5() throws Exception {
        setPoolHba(false);
        pg.cluster().setHbaMethod(AuthMethod.TRUST, AuthMethod.MD5);
    }

    static void writePgpoolConf(boolean poolHba) throws Exception {
        Files.writeString(pgpoolConf, "enable_pool_hba = " + (poolHba ? "on" : "off") + "\npool_passwd = 'pool_passwd'\n");
    }

    static void setPoolHba(boolean on) throws Exception {
        writePgpoolConf(on);
        auth.reload(PgpoolConfig.load(pgpoolConf));
        assertThat(auth.poolHba().isPresent()).isEqualTo(on);
    }

    // ---------------------------------------------------------------- logins that succeed

    @Test
    void md5PrimaryLetsPsqlAndJdbcInWithTheMd5EntryAndReadsRunOnTheStandby() throws Exception {
        assertThat(psql(MD5_USER, MD5_PASSWORD, "select count(*) from tp_reads").stdout().trim()).isEqualTo("1");
        assertReadsRunOnTheStandby(MD5_USER, MD5_PASSWORD);
    }

    @Test
    void scramPrimaryLetsPsqlAndJdbcInWithTheAesEntryAndReadsRunOnTheStandby() throws Exception {
        pg.cluster().setHbaMethod(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256);
        assertThat(psql(SCRAM_USER, SCRAM_PASSWORD, "select count(*) from tp_reads").stdout().trim()).isEqualTo("1");
        assertReadsRunOnTheStandby(SCRAM_USER, SCRAM_PASSWORD);
    }

    @Test
    void anMd5LineForAScramStoredRoleAsksForScramAndTheProxyFollows() throws Exception {
        // PostgreSQL answers an md5 line with SASL when the role's password is stored as SCRAM.
        assertThat(psql(SCRAM_USER, SCRAM_PASSWORD, "select current_user").stdout().trim()).isEqualTo(SCRAM_USER);
        assertReadsRunOnTheStandby(SCRAM_USER, SCRAM_PASSWORD);
    }

    static void assertReadsRunOnTheStandby(String user, String password) throws SQLException, InterruptedException {
        try (Connection c = jdbc(user, Optional.of(password)); Statement st = c.createStatement()) {
            // Until the catalog has said that tp_reads is neither temporary nor unlogged
            // (check_temp_table, check_unlogged_table: asked in the background), its reads go to the
            // primary. Wait for the first one on the standby, then count.
            long first = standbySelects(st);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (standbySelects(st) == first && System.nanoTime() < deadline) {
                st.executeQuery("select id from tp_reads").close();
                Thread.sleep(50);
            }
            long before = standbySelects(st);
            for (int i = 0; i < 10; i++) {
                try (ResultSet rs = st.executeQuery("select id from tp_reads")) {
                    assertThat(rs.next()).isTrue();
                }
            }
            assertThat(standbySelects(st) - before).as("reads ran on the standby, logged in from pool_passwd")
                    .isGreaterThanOrEqualTo(10);
            try (ResultSet rs = st.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(user);
            }
        }
    }

    static long standbySelects(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("show pool_nodes")) {
            while (rs.next()) {
                if (rs.getString("node_id").equals("1")) {
                    return Long.parseLong(rs.getString("select_cnt"));
                }
            }
        }
        throw new AssertionError("show pool_nodes has no node 1");
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSame28P01AndHint() {
        PSQLException wrong = refusedJdbc(MD5_USER, "not dave's pw");
        PSQLException unknown = refusedJdbc("nobody", "whatever");
        assertThat(wrong.getSQLState()).isEqualTo("28P01");
        assertThat(unknown.getSQLState()).isEqualTo("28P01");
        assertThat(wrong.getServerErrorMessage().getMessage()).isEqualTo("password authentication failed for user \"dave\"");
        assertThat(unknown.getServerErrorMessage().getMessage()).isEqualTo("password authentication failed for user \"nobody\"");
        assertThat(wrong.getServerErrorMessage().getHint()).isEqualTo(AuthFailure.POOL_PASSWD_HINT)
                .isEqualTo(unknown.getServerErrorMessage().getHint());

        CommandResult wrongPsql = psql(MD5_USER, "not dave's pw", "select 1");
        CommandResult unknownPsql = psql("nobody", "whatever", "select 1");
        assertThat(wrongPsql.exitCode()).isNotZero();
        assertThat(wrongPsql.stderr()).contains("FATAL:  password authentication failed for user \"dave\"");
        assertThat(unknownPsql.stderr().replace("nobody", "dave")).isEqualTo(wrongPsql.stderr());
    }

    @Test
    void aRoleWithoutAPoolPasswdEntryIsRefusedWithAHintNamingPoolPasswd() {
        // The password is right for PostgreSQL, but the proxy has nothing to check it against.
        PSQLException refused = refusedJdbc(NO_ENTRY_USER, NO_ENTRY_PASSWORD);
        assertThat(refused.getSQLState()).isEqualTo("28P01");
        assertThat(refused.getServerErrorMessage().getHint()).contains("pool_passwd", "pg_enc -m");
        CommandResult psql = psql(NO_ENTRY_USER, NO_ENTRY_PASSWORD, "select 1");
        assertThat(psql.stderr()).contains("FATAL:  password authentication failed for user \"gina\"");
    }

    @Test
    void aScramPrimaryWithOnlyAnMd5EntryRefusesTheClientBeforeTheBackendIsAnswered() {
        // dave's entry is an md5 hash, which cannot check SCRAM: same 28P01 as a wrong password.
        pg.cluster().primary().execute("SET password_encryption = 'scram-sha-256'; ALTER ROLE dave PASSWORD "
                + "'" + MD5_PASSWORD.replace("'", "''") + "'");
        try {
            pg.cluster().setHbaMethod(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256);
            PSQLException refused = refusedJdbc(MD5_USER, MD5_PASSWORD);
            assertThat(refused.getSQLState()).isEqualTo("28P01");
            assertThat(refused.getServerErrorMessage().getMessage()).isEqualTo("password authentication failed for user \"dave\"");
        } finally {
            pg.cluster().primary().execute("SET password_encryption = 'md5'; ALTER ROLE dave PASSWORD "
                    + "'" + MD5_PASSWORD.replace("'", "''") + "'");
        }
    }

    // ---------------------------------------------------------------- pooling across a reload

    @Test
    void aPasswordLoginIsPooledForClientsTheProxyCheckedAndForNobodyElse() throws Exception {
        BackendPool pool = proxy.streaming().orElseThrow().pool();
        setPoolHba(true);
        // pool_hba md5 in front of a primary that wants md5: the proxy answers both nodes from
        // pool_passwd. Connections are pooled per event loop and clients take the loops in turn:
        // as many sessions as loops, twice, meet every pooled connection again.
        int loops = Runtime.getRuntime().availableProcessors();
        Set<Integer> first = primaryPids(loops, MD5_USER, MD5_PASSWORD);
        Thread.sleep(500); // the reset runs after the clients left
        Set<Integer> second = primaryPids(loops, MD5_USER, MD5_PASSWORD);
        assertThat(second).as("the next clients the proxy checked get the primary's pooled processes").isEqualTo(first);
        Thread.sleep(500);
        int idle = pool.idleConnections(0);
        assertThat(idle).as("dave's primary connections are parked").isGreaterThanOrEqualTo(loops);

        for (int i = 0; i < loops; i++) {
            assertThat(refusedJdbc(MD5_USER, "not dave's pw").getSQLState()).as("a wrong password, pooled logins idle")
                    .isEqualTo("28P01");
        }

        // After a reload turns pool_hba off, a client is taken from the pool before the primary
        // has asked it anything: one without a password must not get dave's password logins.
        setPoolHba(false);
        for (int i = 0; i < loops; i++) {
            SQLException noPassword = catchThrowableOfType(() -> jdbc(MD5_USER, Optional.empty()).close(), SQLException.class);
            assertThat((Throwable) noPassword).as("a client without a password is asked for one, not handed a session")
                    .isNotNull();
            assertThat(noPassword.getMessage()).contains("password");
            CommandResult psql = psqlWithoutPassword(MD5_USER, "select 1");
            assertThat(psql.exitCode()).isNotZero();
            assertThat(psql.stderr()).contains("no password supplied");
        }
        assertThat(pool.idleConnections(0)).as("dave's pooled primary connections are still there, unused").isEqualTo(idle);
    }

    @Test
    void aScramClientTheProxyCheckedGetsAPooledScramLoginAndTheProxysSaslFinal() throws Exception {
        pg.cluster().setHbaMethod(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256);
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 scram-sha-256\n");
        try {
            setPoolHba(true);
            int loops = Runtime.getRuntime().availableProcessors();
            Set<String> first = new java.util.HashSet<>();
            for (int i = 0; i < loops; i++) {
                first.add(psql(SCRAM_USER, SCRAM_PASSWORD, "/*NO LOAD BALANCE*/ select pg_backend_pid()").orThrow("psql").stdout().trim());
            }
            Thread.sleep(500); // the reset runs after the clients left
            Set<String> second = new java.util.HashSet<>();
            for (int i = 0; i < loops; i++) {
                // libpq checks the server's SCRAM signature in SASLFinal before it takes AuthenticationOk.
                second.add(psql(SCRAM_USER, SCRAM_PASSWORD, "/*NO LOAD BALANCE*/ select pg_backend_pid()").orThrow("psql").stdout().trim());
            }
            assertThat(second).as("SCRAM clients get the pooled SCRAM logins").isEqualTo(first);
            // libpq (15) and pgJDBC take an AuthenticationOk without SASLFinal; this client insists,
            // first on fresh connections (its startup parameters are not psql's), then on pooled ones.
            Set<Integer> fresh = new java.util.HashSet<>();
            for (int i = 0; i < loops; i++) {
                fresh.add(scramSessionPid(SCRAM_USER, SCRAM_PASSWORD));
            }
            Thread.sleep(500);
            Set<Integer> pooled = new java.util.HashSet<>();
            for (int i = 0; i < loops; i++) {
                pooled.add(scramSessionPid(SCRAM_USER, SCRAM_PASSWORD));
            }
            assertThat(pooled).as("the raw client's second round ran on pooled connections").isEqualTo(fresh);
            assertThat(psql(SCRAM_USER, "not erin's pw", "select 1").stderr())
                    .contains("password authentication failed for user \"erin\"");
        } finally {
            Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 md5\n");
        }
    }

    /**
     * One session in the protocol's own words: SCRAM with the proxy, where the server's signature
     * in SASLFinal must arrive and verify before AuthenticationOk, then the primary's process id.
     */
    static int scramSessionPid(String user, String password) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] params = ("user\0" + user + "\0database\0postgres\0\0").getBytes(StandardCharsets.UTF_8);
            out.writeInt(8 + params.length);
            out.writeInt(196608);
            out.write(params);
            assertThat(readAuthentication(in).code()).as("AuthenticationSASL").isEqualTo(10);

            ScramClientExchange scram = new ScramClientExchange(password, "rawclient" + System.nanoTime());
            byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
            byte[] mechanism = "SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII);
            out.writeByte('p');
            out.writeInt(4 + mechanism.length + 4 + first.length);
            out.write(mechanism);
            out.writeInt(first.length);
            out.write(first);
            Authentication serverFirst = readAuthentication(in);
            assertThat(serverFirst.code()).as("AuthenticationSASLContinue").isEqualTo(11);

            byte[] last = scram.serverFirst(serverFirst.data()).getBytes(StandardCharsets.UTF_8);
            out.writeByte('p');
            out.writeInt(4 + last.length);
            out.write(last);
            Authentication serverFinal = readAuthentication(in);
            assertThat(serverFinal.code()).as("AuthenticationSASLFinal before AuthenticationOk").isEqualTo(12);
            scram.serverFinal(serverFinal.data()); // throws unless the server's signature is right
            assertThat(readAuthentication(in).code()).as("AuthenticationOk").isZero();
            readUpTo(in, 'Z');

            byte[] sql = "/*NO LOAD BALANCE*/ select pg_backend_pid()\0".getBytes(StandardCharsets.UTF_8);
            out.writeByte('Q');
            out.writeInt(4 + sql.length);
            out.write(sql);
            ByteBuffer row = ByteBuffer.wrap(readUpTo(in, 'D'));
            byte[] value = new byte[row.getInt(2)]; // one column: its length after the column count, then its text
            row.get(6, value);
            readUpTo(in, 'Z');
            out.writeByte('X');
            out.writeInt(4);
            return Integer.parseInt(new String(value, StandardCharsets.US_ASCII));
        }
    }

    /** An Authentication message: its request code and the bytes after it. */
    private record Authentication(int code, byte[] data) {
    }

    private static Authentication readAuthentication(DataInputStream in) throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        assertThat((char) type).as("an Authentication message").isEqualTo('R');
        return new Authentication(in.readInt(), in.readNBytes(length - 8));
    }

    /** Reads whole messages up to the first of {@code type} and returns its body; an ErrorResponse fails. */
    private static byte[] readUpTo(DataInputStream in, char type) throws IOException {
        while (true) {
            byte t = in.readByte();
            byte[] body = in.readNBytes(in.readInt() - 4);
            assertThat((char) t).as("no ErrorResponse: " + new String(body, StandardCharsets.UTF_8)).isNotEqualTo('E');
            if (t == type) {
                return body;
            }
        }
    }

    /** Runs {@code sessions} pgJDBC sessions one after another; returns the primary processes they were served by. */
    static Set<Integer> primaryPids(int sessions, String user, String password) throws SQLException {
        Set<Integer> pids = new java.util.HashSet<>();
        for (int i = 0; i < sessions; i++) {
            try (Connection c = jdbc(user, Optional.of(password)); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("/*NO LOAD BALANCE*/ select pg_backend_pid()")) {
                rs.next();
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    // ---------------------------------------------------------------- clients

    static Connection jdbc(String user, Optional<String> password) throws SQLException {
        return jdbc(user, password, "postgres");
    }

    static Connection jdbc(String user, Optional<String> password, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    static PSQLException refusedJdbc(String user, String password) {
        PSQLException refused = catchThrowableOfType(() -> jdbc(user, Optional.of(password)).close(), PSQLException.class);
        assertThat((Throwable) refused).as("login of " + user + " refused").isNotNull();
        return refused;
    }

    static CommandResult psql(String user, String password, String sql) {
        return ExternalCommand.of(PgBinaries.locate().psql().toString(), "-X", "-At", "-w", "-c", sql,
                        "host=127.0.0.1 port=" + port + " user=" + user + " dbname=postgres sslmode=disable")
                .timeout(Duration.ofSeconds(60)).env("PGPASSWORD", password).env("PGPASSFILE", "/dev/null")
                .env("PGCONNECT_TIMEOUT", "10").env("HOME", dir.toString()).run();
    }

    static CommandResult psqlWithoutPassword(String user, String sql) {
        return ExternalCommand.of(PgBinaries.locate().psql().toString(), "-X", "-At", "-w", "-c", sql,
                        "host=127.0.0.1 port=" + port + " user=" + user + " dbname=postgres sslmode=disable")
                .timeout(Duration.ofSeconds(60)).env("PGPASSFILE", "/dev/null")
                .env("PGCONNECT_TIMEOUT", "10").env("HOME", dir.toString()).run();
    }
}
