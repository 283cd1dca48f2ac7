package io.tidepool.session;

import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streaming mode configured the way users do it, through pgpool.conf parameters: the admin
 * commands that read the configuration, per-session PGPOOL SET, and client_idle_limit.
 */
@ExtendWith(LeakDetection.class)
class StreamingConfigIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    private ProxyServer proxy;
    private PgEndpoint viaProxy;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listen_addresses", "127.0.0.1");
        conf.put("port", "0");
        conf.put("unix_socket_directories", "");
        conf.put("backend_clustering_mode", "streaming_replication");
        conf.put("num_init_children", "8");
        conf.put("client_idle_limit", "2");
        conf.put("sr_check_user", pg.primary().endpoint().user());
        for (int i = 0; i < pg.nodes().size(); i++) {
            conf.put("backend_hostname" + i, pg.nodes().get(i).host());
            conf.put("backend_port" + i, Integer.toString(pg.nodes().get(i).port()));
            conf.put("backend_weight" + i, "1");
        }
        proxy = new ProxyServer(PgpoolConfig.fromMap(conf));
        proxy.start();
        viaProxy = pg.primary().endpoint().withAddress("127.0.0.1", proxy.tcpAddress().getPort());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
    }

    private static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void pgpoolShowSetAndResetWorkPerSession() throws Exception {
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            assertThat(one(st, "pgpool show num_init_children")).isEqualTo("8");
            st.execute("pgpool set client_idle_limit = 30");
            assertThat(one(st, "PGPOOL SHOW client_idle_limit")).isEqualTo("30");
            assertThatThrownBy(() -> st.execute("pgpool set num_init_children = 3"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55P02"));
            assertThatThrownBy(() -> st.executeQuery("pgpool show no_such_parameter"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42704"));
            st.execute("pgpool reset client_idle_limit");
            assertThat(one(st, "PGPOOL SHOW client_idle_limit")).isEqualTo("2s");
            try (ResultSet rs = st.executeQuery("show pool_status")) {
                assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("item");
                int rows = 0;
                while (rs.next()) {
                    rows++;
                }
                assertThat(rows).isGreaterThan(50);
            }
        }
        try (Connection other = PgClients.jdbc(viaProxy); Statement st = other.createStatement()) {
            assertThat(one(st, "PGPOOL SHOW client_idle_limit")).as("PGPOOL SET stays in its session").isEqualTo("2s");
        }
    }

    @Test
    void aClientIdleLongerThanClientIdleLimitIsDisconnectedWithASqlstate() throws Exception {
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            assertThat(one(st, "select 1")).isEqualTo("1");
            Thread.sleep(3_500);
            assertThatThrownBy(() -> one(st, "select 1")).isInstanceOf(SQLException.class);
        }
        // A query longer than the limit is not idleness.
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            assertThat(one(st, "select pg_sleep(3)::text")).isEmpty();
            assertThat(one(st, "select 2")).isEqualTo("2");
        }
    }
}
