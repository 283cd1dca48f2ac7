package io.tidepool.auth;

import io.tidepool.backend.BackendNode;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.PasswordStorage;
import io.tidepool.ops.local.PgBinaries;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.util.PSQLException;

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
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client with no password, or an empty one, facing a password method (password, md5,
 * scram-sha-256): the proxy (pool_hba.conf asking for that method) answers as PostgreSQL does
 * when its pg_hba.conf asks for it. Every case runs against a PostgreSQL node directly and through
 * the proxy, the two answers are compared, and the SQLSTATE is pinned:
 * <ul>
 *   <li>No password at all: libpq and pgJDBC give up themselves when asked for one, so no
 *       SQLSTATE comes from any server: psql reports {@code fe_sendauth: no password supplied}
 *       (also for an empty PGPASSWORD), pgJDBC 08004.</li>
 *   <li>An empty password from pgJDBC: PostgreSQL refuses an empty clear-text password with 28P01
 *       {@code empty password returned by client} before looking at the role; pgJDBC answers md5
 *       with the hash of the empty password (a wrong password, 28P01) and refuses to run SCRAM
 *       itself (08004).</li>
 *   <li>A hand-written client answering a cleartext or md5 request with an empty PasswordMessage:
 *       28P01 {@code empty password returned by client}, for a user that exists or not.</li>
 * </ul>
 */
@ExtendWith(LeakDetection.class)
class MissingPasswordIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(1, b -> b.auth(AuthMethod.TRUST, AuthMethod.MD5));

    /** Stored as md5 in PostgreSQL: an md5 line asks md5. */
    static final String MD5_USER = "mia";
    /** Stored as SCRAM. */
    static final String SCRAM_USER = "sam";
    static final String PASSWORD = "a real pw";

    @TempDir
    static Path dir;
    static Path pgpoolConf;
    static AuthenticationServices auth;
    static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        pg.cluster().createUser(MD5_USER, PASSWORD, PasswordStorage.MD5);
        pg.cluster().createUser(SCRAM_USER, PASSWORD, PasswordStorage.SCRAM_SHA_256);
        pg.cluster().awaitCaughtUp();
        // Entries that check every method, and let the proxy log in to backends asking any.
        Files.writeString(dir.resolve("pool_passwd"), MD5_USER + ":TEXT" + PASSWORD + "\n" + SCRAM_USER + ":TEXT" + PASSWORD + "\n");
        pgpoolConf = Files.writeString(dir.resolve("pgpool.conf"), "enable_pool_hba = on\npool_passwd = 'pool_passwd'\n");
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 md5\n");
        auth = AuthenticationServices.load(PgpoolConfig.load(pgpoolConf), Optional.empty());
        List<BackendNode> backends = new ArrayList<>();
        for (var node : pg.nodes()) {
            backends.add(new BackendNode(backends.size(), node.host(), node.port()));
        }
        proxy = new ProxyServer(ProxySettings.loopback(0, backends)).useAuthentication(auth);
        proxy.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
        }
    }

    /** PostgreSQL's pg_hba.conf and the proxy's pool_hba.conf both ask for {@code method}. */
    static void use(AuthMethod method) throws Exception {
        pg.cluster().setHbaMethod(AuthMethod.TRUST, method);
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 " + method.hbaKeyword() + "\n");
        auth.reload(PgpoolConfig.load(pgpoolConf));
    }

    static String userFor(AuthMethod method) {
        return method == AuthMethod.SCRAM_SHA_256 ? SCRAM_USER : MD5_USER;
    }

    static int postgres() {
        return pg.primary().port();
    }

    static int tidepool() {
        return proxy.tcpAddress().getPort();
    }

    // ---------------------------------------------------------------- no password at all

    @ParameterizedTest
    @EnumSource(value = AuthMethod.class, names = {"PASSWORD", "MD5", "SCRAM_SHA_256"})
    void pgJdbcWithoutAPasswordGivesUpWith08004AsAgainstPostgres(AuthMethod method) throws Exception {
        use(method);
        String user = userFor(method);

        String direct = jdbc(postgres(), user, null);
        String proxied = jdbc(tidepool(), user, null);

        assertThat(proxied).isEqualTo(direct).startsWith("08004 ");
    }

    @ParameterizedTest
    @EnumSource(value = AuthMethod.class, names = {"PASSWORD", "MD5", "SCRAM_SHA_256"})
    void psqlWithoutAPasswordSaysNoPasswordSuppliedAsAgainstPostgres(AuthMethod method) throws Exception {
        use(method);
        String user = userFor(method);

        for (String password : new String[] {null, ""}) {
            CommandResult direct = psql(postgres(), user, password);
            CommandResult proxied = psql(tidepool(), user, password);

            assertThat(proxied.exitCode()).as(proxied.describe()).isEqualTo(direct.exitCode()).isEqualTo(2);
            assertThat(normalized(proxied.stderr(), tidepool())).as(proxied.describe())
                    .isEqualTo(normalized(direct.stderr(), postgres()))
                    .isEqualTo("psql: error: connection to server at \"127.0.0.1\", port N failed: fe_sendauth: no password supplied");
        }
    }

    // ---------------------------------------------------------------- an empty password

    @ParameterizedTest
    @EnumSource(value = AuthMethod.class, names = {"PASSWORD", "MD5", "SCRAM_SHA_256"})
    void pgJdbcWithAnEmptyPasswordGetsWhatPostgresAnswers(AuthMethod method) throws Exception {
        use(method);
        String user = userFor(method);

        String direct = jdbc(postgres(), user, "");
        String proxied = jdbc(tidepool(), user, "");

        assertThat(proxied).isEqualTo(direct);
        switch (method) {
            case PASSWORD -> assertThat(proxied).isEqualTo("28P01 empty password returned by client");
            // pgJDBC sends the md5 of the empty password: a wrong password.
            case MD5 -> assertThat(proxied).isEqualTo("28P01 password authentication failed for user \"" + user + "\"");
            // pgJDBC will not run SCRAM with an empty password.
            default -> assertThat(proxied).startsWith("08004 ").contains("empty string");
        }
    }

    @ParameterizedTest
    @EnumSource(value = AuthMethod.class, names = {"PASSWORD", "MD5"})
    void anEmptyPasswordMessageIsRefusedWith28P01AsByPostgres(AuthMethod method) throws Exception {
        use(method);
        String user = userFor(method);

        String direct = emptyPasswordMessage(postgres(), user);
        String proxied = emptyPasswordMessage(tidepool(), user);
        String unknown = emptyPasswordMessage(tidepool(), "nobody");

        assertThat(proxied).isEqualTo(direct).endsWith(" 28P01 empty password returned by client");
        assertThat(unknown.replace("nobody", user)).as("the same for a user that does not exist").isEqualTo(proxied);
    }

    // ---------------------------------------------------------------- clients

    /** "ok", or "SQLSTATE message" of the refusal. */
    static String jdbc(int port, String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props)) {
            return "ok";
        } catch (PSQLException e) {
            if (e.getServerErrorMessage() != null) {
                return e.getServerErrorMessage().getSQLState() + " " + e.getServerErrorMessage().getMessage();
            }
            return e.getSQLState() + " " + e.getMessage();
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    static CommandResult psql(int port, String user, String password) {
        ExternalCommand command = ExternalCommand.of(PgBinaries.locate().psql().toString(), "-X", "-At", "-w", "-c", "select 1",
                        "host=127.0.0.1 port=" + port + " user=" + user + " dbname=postgres sslmode=disable")
                .timeout(Duration.ofSeconds(60)).env("PGPASSFILE", dir.resolve("no-passfile").toString())
                .env("PGCONNECT_TIMEOUT", "10").env("HOME", dir.toString());
        if (password != null) {
            command.env("PGPASSWORD", password);
        }
        return command.run();
    }

    static String normalized(String stderr, int port) {
        return stderr.trim().replace("port " + port + " ", "port N ");
    }

    /**
     * Starts up as {@code user}, answers the password request with an empty PasswordMessage;
     * returns "R&lt;request code&gt; SQLSTATE message".
     */
    static String emptyPasswordMessage(int port, String user) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] params = ("user\0" + user + "\0database\0postgres\0\0").getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(8 + params.length).putInt(8 + params.length).putInt(196608).put(params).array());
            out.flush();
            assertThat((char) in.readByte()).as("an authentication request").isEqualTo('R');
            int length = in.readInt();
            int request = in.readInt();
            in.readNBytes(length - 8);
            out.write(ByteBuffer.allocate(6).put((byte) 'p').putInt(5).put((byte) 0).array());
            out.flush();
            assertThat((char) in.readByte()).as("an ErrorResponse").isEqualTo('E');
            byte[] body = in.readNBytes(in.readInt() - 4);
            String code = "";
            String message = "";
            for (String field : new String(body, StandardCharsets.UTF_8).split("\0")) {
                if (field.startsWith("C")) {
                    code = field.substring(1);
                } else if (field.startsWith("M")) {
                    message = field.substring(1);
                }
            }
            return "R" + request + " " + code + " " + message;
        }
    }
}
