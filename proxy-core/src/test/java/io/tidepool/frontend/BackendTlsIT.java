package io.tidepool.frontend;

import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.tls.TestCertificates;
import io.tidepool.backend.BackendNode;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With {@code ssl = on} the proxy asks PostgreSQL for TLS before its StartupMessage and checks
 * the server's certificate against {@code ssl_ca_cert}; the server here refuses logins without
 * TLS ({@code hostnossl ... reject}), so a session only works over TLS.
 */
@ExtendWith(LeakDetection.class)
class BackendTlsIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(0);

    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void serverWithTls() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        certs = TestCertificates.create(dir.resolve("pki"));
        LocalNode primary = pg.primary();
        UserPrincipal owner = Files.getOwner(primary.dataDirectory());
        for (String name : List.of("server.crt", "server.key")) {
            Path target = primary.dataDirectory().resolve(name);
            Files.copy(dir.resolve("pki").resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
            Files.setOwner(target, owner);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        }
        pg.cluster().createUser("alice", "alice pw");
        primary.execute("ALTER SYSTEM SET ssl = on");
        pg.cluster().setHbaRules(List.of("hostnossl all alice 127.0.0.1/32 reject",
                "hostssl all alice 127.0.0.1/32 scram-sha-256"));
    }

    static ProxyServer proxy(String caFile, boolean poolHba) throws Exception {
        Path conf = dir.resolve("pgpool-" + caFile.replace('/', '-') + poolHba + ".conf");
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 scram-sha-256\n");
        Files.writeString(dir.resolve("pool_passwd"), "alice:TEXTalice pw\n");
        Files.writeString(conf, """
                enable_pool_hba = %s
                pool_passwd = 'pool_passwd'
                ssl = on
                ssl_cert = 'pki/server.crt'
                ssl_key = 'pki/server.key'
                ssl_ca_cert = '%s'
                """.formatted(poolHba ? "on" : "off", caFile));
        AuthenticationServices auth = AuthenticationServices.load(PgpoolConfig.load(conf), Optional.empty());
        ProxyServer proxy = new ProxyServer(ProxySettings.loopback(0,
                List.of(new BackendNode(0, pg.primary().host(), pg.primary().port())))).useAuthentication(auth);
        proxy.start();
        return proxy;
    }

    static Connection connect(ProxyServer proxy) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "alice");
        props.setProperty("password", "alice pw");
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.tcpAddress().getPort() + "/postgres", props);
    }

    @Test
    void sessionsReachTheServerOverVerifiedTlsWhetherRelayedOrAuthenticatedByTheProxy() throws Exception {
        for (boolean poolHba : new boolean[] {false, true}) {
            ProxyServer proxy = proxy("pki/ca.crt", poolHba);
            try (Connection connection = connect(proxy);
                 ResultSet rows = connection.createStatement()
                         .executeQuery("select ssl, current_user from pg_stat_ssl where pid = pg_backend_pid()")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getBoolean(1)).as("pool_hba=" + poolHba).isTrue();
                assertThat(rows.getString(2)).isEqualTo("alice");
            } finally {
                proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void serverCertificateFromAnotherCaIsRefused() throws Exception {
        TestCertificates other = TestCertificates.create(dir.resolve("other"));
        ProxyServer proxy = proxy(other.ca().toString(), false);
        try {
            assertThatThrownBy(() -> connect(proxy).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08006");
                        assertThat(e.getMessage()).contains("TLS to the database server");
                    });
        } finally {
            proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
        }
    }
}
