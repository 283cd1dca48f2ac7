package io.tidepool.server;

import io.tidepool.backend.BackendNode;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.PasswordStorage;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every authentication method PostgreSQL asks for is relayed by the raw-mode proxy: trust,
 * clear-text password, MD5 and SCRAM-SHA-256, with psql and pgJDBC; a wrong password gets the
 * server's own 28P01.
 */
@ExtendWith(LeakDetection.class)
class RawModeAuthenticationIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(0);

    private static ProxyServer proxy;
    private static int proxyPort;

    @BeforeAll
    static void startProxy() throws Exception {
        LocalCluster cluster = pg.cluster();
        cluster.createUser("scram_user", "scram secret", PasswordStorage.SCRAM_SHA_256);
        cluster.createUser("md5_user", "md5 secret", PasswordStorage.MD5);
        proxy = new ProxyServer(ProxySettings.loopback(0,
                List.of(new BackendNode(0, pg.primary().host(), pg.primary().port()))));
        proxy.start();
        proxyPort = proxy.tcpAddress().getPort();
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
    }

    private static PgEndpoint viaProxy(String user, String password) {
        return new PgEndpoint("127.0.0.1", proxyPort, user, password, "postgres");
    }

    /** Switches TCP connections to {@code method} and waits until the server applies it. */
    private static void requireOverTcp(AuthMethod method) throws InterruptedException {
        pg.cluster().setHbaMethod(pg.cluster().localAuth(), method);
        PgEndpoint direct = pg.primary().endpoint().withUser("scram_user", "");
        for (int i = 0; i < 200; i++) {
            boolean passwordless = PgClients.psql(direct, "select 1").exitCode() == 0;
            if (passwordless == (method == AuthMethod.TRUST)) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the server did not apply pg_hba method " + method);
    }

    @Test
    void trust() throws Exception {
        requireOverTcp(AuthMethod.TRUST);
        assertLoginWorks(viaProxy("scram_user", ""));
    }

    @Test
    void clearTextPassword() throws Exception {
        requireOverTcp(AuthMethod.PASSWORD);
        assertLoginWorks(viaProxy("scram_user", "scram secret"));
    }

    @Test
    void md5() throws Exception {
        requireOverTcp(AuthMethod.MD5);
        assertLoginWorks(viaProxy("md5_user", "md5 secret"));
    }

    @Test
    void scramSha256() throws Exception {
        requireOverTcp(AuthMethod.SCRAM_SHA_256);
        assertLoginWorks(viaProxy("scram_user", "scram secret"));
    }

    @Test
    void wrongScramPasswordGetsTheServersError() throws Exception {
        requireOverTcp(AuthMethod.SCRAM_SHA_256);
        assertThatThrownBy(() -> PgClients.jdbc(viaProxy("scram_user", "not the password")).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        CommandResult psql = PgClients.psql(viaProxy("scram_user", "not the password"), "select 1");
        assertThat(psql.exitCode()).isEqualTo(2);
        assertThat(psql.stderr()).contains("password authentication failed for user \"scram_user\"");
    }

    private static void assertLoginWorks(PgEndpoint endpoint) throws SQLException {
        CommandResult psql = PgClients.psql(endpoint, "select current_user");
        assertThat(psql.exitCode()).as(psql.describe()).isZero();
        assertThat(psql.stdout().trim()).isEqualTo(endpoint.user());
        try (Connection connection = PgClients.jdbc(endpoint);
                ResultSet rows = connection.createStatement().executeQuery("select current_user")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(endpoint.user());
        }
    }
}
