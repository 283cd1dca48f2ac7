package io.tidepool.session;

import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.PoolKey;
import io.tidepool.backend.BackendNode;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.frontend.SessionSettings;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.AuthMethod;
import io.tidepool.protocol.ProtocolLimits;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streaming replication with the proxy authenticating clients itself (pool_hba.conf on) in front
 * of a primary and two standbys whose pg_hba.conf wants scram-sha-256: the proxy logs in to
 * every node, standbys included, with the user's pool_passwd password, so reads are balanced to
 * the standbys and writes go to the primary; a wrong password never gets past the proxy.
 */
@ExtendWith(LeakDetection.class)
class StreamingPoolPasswdIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(2, b -> b.auth(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256));

    static final String PASSWORD = "carol's pw";

    @TempDir
    static Path dir;
    static ProxyServer proxy;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        pg.cluster().createUser("carol", PASSWORD);
        pg.primary().execute("CREATE TABLE tp_notes (id int PRIMARY KEY, note text); "
                + "INSERT INTO tp_notes SELECT g, 'n' || g FROM generate_series(1, 100) g; "
                + "GRANT ALL ON tp_notes TO carol");
        pg.cluster().awaitCaughtUp();
        Files.writeString(dir.resolve("pool_hba.conf"), "host all all 127.0.0.1/32 scram-sha-256\n");
        Files.writeString(dir.resolve("pool_passwd"), "carol:TEXT" + PASSWORD + "\n");
        Path conf = dir.resolve("pgpool.conf");
        StringBuilder text = new StringBuilder();
        List<BackendNode> nodes = new ArrayList<>();
        for (int i = 0; i < pg.nodes().size(); i++) {
            var node = pg.nodes().get(i);
            nodes.add(new BackendNode(i, node.host(), node.port()));
            text.append("backend_hostname").append(i).append(" = '").append(node.host()).append("'\n")
                    .append("backend_port").append(i).append(" = ").append(node.port()).append('\n');
        }
        text.append("""
                backend_clustering_mode = 'streaming_replication'
                load_balance_mode = on
                enable_pool_hba = on
                pool_passwd = 'pool_passwd'
                """);
        Files.writeString(conf, text);
        AuthenticationServices auth = AuthenticationServices.load(PgpoolConfig.load(conf), Optional.<PoolKey>empty());
        ServingSettings serving = ServingSettings.unlimited().withWeights(List.of(0.0, 1.0, 1.0))
                .withCatalogUser("carol", PASSWORD);
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

    static Connection connect(String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "carol");
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    static Map<String, Long> selectCounts(Statement st) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (ResultSet rs = st.executeQuery("show pool_nodes")) {
            while (rs.next()) {
                counts.put(rs.getString("node_id"), Long.parseLong(rs.getString("select_cnt")));
            }
        }
        return counts;
    }

    @Test
    void readsAreBalancedToStandbysThatWantScramAndWritesGoToThePrimary() throws Exception {
        try (Connection c = connect(PASSWORD); Statement st = c.createStatement()) {
            // Reads of tp_notes run on the primary until pg_class said it is an ordinary table
            // (check_temp_table, check_unlogged_table); count from the first balanced one.
            Map<String, Long> start = selectCounts(st);
            for (int i = 0; i < 500 && start.get("1") + start.get("2") == 0; i++) {
                try (ResultSet rs = st.executeQuery("select note from tp_notes where id = 7")) {
                    assertThat(rs.next()).isTrue();
                }
                Thread.sleep(10);
                start = selectCounts(st);
            }
            for (int i = 0; i < 40; i++) {
                try (ResultSet rs = st.executeQuery("select note from tp_notes where id = 7")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("n7");
                }
            }
            assertThat(st.executeUpdate("insert into tp_notes values (1001, 'written')")).isEqualTo(1);
            assertThat(st.executeUpdate("delete from tp_notes where id = 1001")).isEqualTo(1);
            Map<String, Long> counts = selectCounts(st);
            assertThat(counts.get("1") + counts.get("2") - start.get("1") - start.get("2")).as("reads ran on the standbys")
                    .isEqualTo(40);
            assertThat(counts.get("0")).as("no read on the primary once the catalog answered").isEqualTo(start.get("0"));
            assertThat(counts.get("1")).as("standby 1 logged in and served reads").isPositive();
            assertThat(counts.get("2")).as("standby 2 logged in and served reads").isPositive();
        }
        StatementCounters counters = proxy.streaming().orElseThrow().counters();
        assertThat(counters.get(0, StatementCounters.Column.INSERT)).isEqualTo(1);
        assertThat(counters.get(0, StatementCounters.Column.DELETE)).isEqualTo(1);
        assertThat(counters.get(1, StatementCounters.Column.INSERT) + counters.get(2, StatementCounters.Column.INSERT)
                + counters.get(1, StatementCounters.Column.DELETE) + counters.get(2, StatementCounters.Column.DELETE))
                .isZero();
    }

    @Test
    void aWrongPasswordIsRefusedWithInvalidPassword() {
        assertThatThrownBy(() -> connect("not carol's pw").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }
}
