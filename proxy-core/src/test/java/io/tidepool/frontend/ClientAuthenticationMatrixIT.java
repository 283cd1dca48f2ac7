package io.tidepool.frontend;

import io.tidepool.auth.AesPasswordCipher;
import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.Md5Hash;
import io.tidepool.auth.PoolKey;
import io.tidepool.auth.ScramVerifier;
import io.tidepool.auth.tls.TestCertificates;
import io.tidepool.backend.BackendNode;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.ExternalCommand;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.PgBinaries;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ServingSettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The matrix of issue 5, in the spirit of pgpool-II's client-auth regression test: pool_hba.conf
 * method (trust, reject, password, md5, scram-sha-256, cert) x pool_passwd entry (none, md5,
 * AES, TEXT, SCRAM) x the backends' pg_hba.conf method (trust, md5, scram-sha-256), each tried
 * with psql and with pgJDBC through the proxy in front of a primary and a streaming standby; the
 * outcome is asserted for every row: in, or the exact SQLSTATE and message.
 *
 * <p>The proxy runs in streaming mode with every read sent to the standby, so a row that lets the
 * client in also proves that the proxy logged in to the standby: the row's query asks
 * {@code pg_is_in_recovery()} (declared read-only) and must be answered by the standby. A second
 * proxy in raw mode, sharing the same authentication services, runs every row with pgJDBC too:
 * there the proxy logs in to the primary alone, a path the streaming proxy never takes.
 *
 * <p>One cluster is reconfigured per backend method, and pool_hba.conf and pool_passwd are
 * rewritten and reloaded for each row; the connection pool is off, so every login reaches the
 * backends.
 */
@ExtendWith(LeakDetection.class)
class ClientAuthenticationMatrixIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(1);

    static final String USER = "alice";
    static final String PASSWORD = "alice pw";
    static final PoolKey KEY = PoolKey.of("matrix-key");

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static Path pgpoolConf;
    static AuthenticationServices auth;
    /** Streaming mode, weight 0 on the primary: every read goes to the standby. */
    static ProxyServer streaming;
    /** Raw mode: everything goes to the primary. */
    static ProxyServer raw;

    enum HbaLine { TRUST, REJECT, PASSWORD, MD5, SCRAM, CERT }

    enum Entry { NONE, MD5, AES, TEXT, SCRAM }

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        certs = TestCertificates.create(dir.resolve("pki"));
        certs.client("alice", USER);
        // pgJDBC reads client keys as PKCS#8 DER.
        ExternalCommand.of("openssl", "pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in", certs.key("alice").toString(),
                "-out", dir.resolve("pki/alice.pk8").toString()).timeout(Duration.ofSeconds(30)).run().orThrow("pkcs8");
        pg.cluster().createUser(USER, PASSWORD);
        pgpoolConf = dir.resolve("pgpool.conf");
        Files.writeString(pgpoolConf, """
                enable_pool_hba = on
                pool_passwd = 'pool_passwd'
                ssl = on
                ssl_cert = 'pki/server.crt'
                ssl_key = 'pki/server.key'
                ssl_ca_cert = 'pki/ca.crt'
                """);
        configure(HbaLine.TRUST, Entry.NONE);
        auth = AuthenticationServices.load(PgpoolConfig.load(pgpoolConf), Optional.of(KEY));
        List<BackendNode> backends = new ArrayList<>();
        for (var node : pg.cluster().nodes()) {
            backends.add(new BackendNode(backends.size(), node.host(), node.port()));
        }
        ServingSettings serving = ServingSettings.unlimited().withWeights(List.of(0.0, 1.0))
                .withCatalogUser(pg.cluster().superuser(), pg.cluster().superuserPassword());
        serving = serving.withRouting(serving.routing().toBuilder().readOnlyFunctions("pg_is_in_recovery").build());
        streaming = new ProxyServer(ProxySettings.loopback(0, backends).streaming(serving)).useAuthentication(auth);
        streaming.start();
        raw = new ProxyServer(ProxySettings.loopback(0, backends)).useAuthentication(auth);
        raw.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (ProxyServer proxy : new ProxyServer[] {streaming, raw}) {
            if (proxy != null) {
                proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
            }
        }
    }

    static void configure(HbaLine line, Entry entry) throws Exception {
        String hba = line == HbaLine.CERT ? "hostssl all all 127.0.0.1/32 cert\n"
                : "host all all 127.0.0.1/32 " + switch (line) {
                    case TRUST -> "trust";
                    case REJECT -> "reject";
                    case PASSWORD -> "password";
                    case MD5 -> "md5";
                    default -> "scram-sha-256";
                } + "\n";
        Files.writeString(dir.resolve("pool_hba.conf"), hba);
        String stored = switch (entry) {
            case NONE -> null;
            case MD5 -> Md5Hash.postgresShadow(USER, PASSWORD);
            case AES -> new AesPasswordCipher(KEY).encrypt(PASSWORD);
            case TEXT -> "TEXT" + PASSWORD;
            case SCRAM -> ScramVerifier.fromPassword(PASSWORD, "0123456789abcdef".getBytes(), 4096).format();
        };
        Files.writeString(dir.resolve("pool_passwd"), stored == null ? "" : USER + ":" + stored + "\n");
        if (auth != null) {
            auth.reload(PgpoolConfig.load(pgpoolConf));
        }
    }

    /** "ok", or "SQLSTATE message-fragment". */
    static String expected(HbaLine line, Entry entry, AuthMethod backend) {
        if (line == HbaLine.REJECT) {
            return "28000 pool_hba.conf rejects connection for host \"127.0.0.1\", user \"alice\", database \"postgres\", no encryption";
        }
        boolean unchecked = false;
        String credential; // what the proxy logs in with: clear, md5, scram, none
        switch (line) {
            case PASSWORD -> {
                credential = "clear";
                unchecked = entry == Entry.NONE;
            }
            case MD5 -> {
                if (entry == Entry.NONE || entry == Entry.SCRAM) {
                    return "28P01 password authentication failed for user \"alice\"";
                }
                credential = entry == Entry.MD5 ? "md5" : "clear";
            }
            case SCRAM -> {
                if (entry == Entry.NONE || entry == Entry.MD5) {
                    return "28P01 password authentication failed for user \"alice\"";
                }
                credential = entry == Entry.SCRAM ? "scram" : "clear";
            }
            default -> credential = switch (entry) {
                case NONE -> "none";
                case MD5 -> "md5";
                case SCRAM -> "scram";
                default -> "clear";
            };
        }
        if (backend == AuthMethod.TRUST) {
            return unchecked ? "28P01 password authentication failed for user \"alice\"" : "ok";
        }
        boolean answers = credential.equals("clear") || (credential.equals("md5") && backend == AuthMethod.MD5);
        if (answers) {
            return "ok";
        }
        String method = backend == AuthMethod.MD5 ? "md5" : "SCRAM-SHA-256";
        String has = switch (credential) {
            case "none" -> "pool_passwd has no entry for \"alice\"";
            case "md5" -> "pool_passwd holds only an md5 hash for \"alice\"";
            default -> "pool_passwd holds only a SCRAM verifier for \"alice\"";
        };
        return "28P01 asks for " + method + " authentication, but " + has;
    }

    /**
     * The row's query: who the client is, and whether the node that answered is a standby. With
     * {@code pg_is_in_recovery} read-only, the streaming proxy sends it to the standby.
     */
    static final String QUERY = "select current_user, pg_is_in_recovery()";

    /** "ok" when {@code proxy} let alice in and the answer came from the node expected; else what the client said. */
    static String viaPsql(ProxyServer proxy, HbaLine line) {
        String conninfo = "host=127.0.0.1 port=" + proxy.tcpAddress().getPort() + " user=" + USER + " dbname=postgres "
                + (line == HbaLine.CERT ? "sslmode=require sslcert=" + certs.cert("alice") + " sslkey=" + certs.key("alice")
                : "sslmode=disable");
        CommandResult result = ExternalCommand.of(PgBinaries.locate().psql().toString(), "-X", "-At", "-w", "-c",
                        QUERY, conninfo)
                .timeout(Duration.ofSeconds(60)).env("PGPASSWORD", PASSWORD).env("PGPASSFILE", "/dev/null")
                .env("PGCONNECT_TIMEOUT", "10").env("HOME", dir.toString()).run();
        if (result.exitCode() == 0) {
            String want = USER + "|" + (proxy == streaming ? "t" : "f");
            return result.stdout().trim().equals(want) ? "ok" : "answered [" + result.stdout().trim() + "], not [" + want + "]";
        }
        return result.stderr().trim();
    }

    static String viaJdbc(ProxyServer proxy, HbaLine line) {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "10");
        if (line == HbaLine.CERT) {
            props.setProperty("sslmode", "require");
            props.setProperty("sslcert", certs.cert("alice").toString());
            props.setProperty("sslkey", dir.resolve("pki/alice.pk8").toString());
            props.setProperty("sslrootcert", certs.ca().toString());
        } else {
            props.setProperty("sslmode", "disable");
        }
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + proxy.tcpAddress().getPort() + "/postgres", props);
             ResultSet rows = connection.createStatement().executeQuery(QUERY)) {
            rows.next();
            String got = rows.getString(1) + "|" + rows.getBoolean(2);
            String want = USER + "|" + (proxy == streaming);
            return got.equals(want) ? "ok" : "answered [" + got + "], not [" + want + "]";
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    static boolean matches(String want, String got, boolean psql) {
        if (want.equals("ok")) {
            return got.equals("ok");
        }
        String fragment = want.substring(6);
        if (psql) {
            return got.contains("FATAL:  ") && got.contains(fragment);
        }
        return got.startsWith(want.substring(0, 5)) && got.contains(fragment);
    }

    @Test
    void everyPoolHbaMethodWithEveryPoolPasswdFormatAgainstEveryBackendMethod() throws Exception {
        LocalCluster cluster = pg.cluster();
        List<String> mismatches = new ArrayList<>();
        int rows = 0;
        for (AuthMethod backend : List.of(AuthMethod.TRUST, AuthMethod.MD5, AuthMethod.SCRAM_SHA_256)) {
            // An md5 line asks for md5 only when the role's password is stored as md5.
            cluster.primary().execute("SET password_encryption = '" + (backend == AuthMethod.MD5 ? "md5" : "scram-sha-256")
                    + "'; ALTER ROLE alice PASSWORD '" + PASSWORD + "'");
            cluster.awaitCaughtUp();
            cluster.setHbaMethod(AuthMethod.TRUST, backend);
            for (HbaLine line : HbaLine.values()) {
                for (Entry entry : Entry.values()) {
                    configure(line, entry);
                    String want = expected(line, entry, backend);
                    String row = line + " x " + entry + " x backend " + backend + ": expected [" + want + "] got [";
                    String psql = viaPsql(streaming, line);
                    if (!matches(want, psql, true)) {
                        mismatches.add("streaming psql   " + row + psql + "]");
                    }
                    String jdbc = viaJdbc(streaming, line);
                    if (!matches(want, jdbc, false)) {
                        mismatches.add("streaming pgJDBC " + row + jdbc + "]");
                    }
                    String rawJdbc = viaJdbc(raw, line);
                    if (!matches(want, rawJdbc, false)) {
                        mismatches.add("raw pgJDBC       " + row + rawJdbc + "]");
                    }
                    rows++;
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(rows).isEqualTo(6 * 5 * 3);
    }
}
