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
            // reads are balanced over the standbys only, so "went to the primary" is a routing rule's doing
            conf.put("backend_weight" + i, i == 0 ? "0" : "1");
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
            assertThat(one(st, "PGPOOL SHOW client_idle_limit")).as("shown like a file value").isEqualTo("30s");
            assertThatThrownBy(() -> st.execute("pgpool set allow_sql_comments = banana"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
            assertThatThrownBy(() -> st.execute("pgpool set statement_level_load_balance = on"))
                    .as("pgpool-II does not allow it per session either")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55P02"));
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

    /** The reason PGPOOL EXPLAIN ROUTING gives for {@code sql} (its last row). */
    private static String explainReason(Statement st, String sql) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (ResultSet rs = st.executeQuery("pgpool explain routing " + sql)) {
            while (rs.next()) {
                all.append(rs.getString("reason")).append('\n');
            }
        }
        return all.toString();
    }

    private int port(Statement st, String sql) throws SQLException {
        return Integer.parseInt(one(st, sql));
    }

    @Test
    void pgpoolSetAllowSqlCommentsBalancesACommentedReadInThatSessionOnly() throws Exception {
        int primary = pg.primary().port();
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement();
             Connection other = PgClients.jdbc(viaProxy); Statement os = other.createStatement()) {
            assertThat(port(st, "/* app: report */ show port")).as("allow_sql_comments is off").isEqualTo(primary);
            st.execute("pgpool set allow_sql_comments = on");
            for (int i = 0; i < 10; i++) {
                assertThat(port(st, "/* app: report */ show port")).isNotEqualTo(primary);
                assertThat(port(os, "/* app: report */ show port")).as("the other session keeps the file's value")
                        .isEqualTo(primary);
            }
            st.execute("pgpool reset allow_sql_comments");
            assertThat(port(st, "/* app: report */ show port")).isEqualTo(primary);
            st.execute("pgpool set allow_sql_comments to 'on'");
            assertThat(port(st, "/* app: report */ show port")).isNotEqualTo(primary);
            st.execute("pgpool reset all");
            assertThat(port(st, "/* app: report */ show port")).isEqualTo(primary);
        }
    }

    @Test
    void pgpoolSetCheckUnloggedTableOffLetsAnUnloggedReadReachAStandby() throws Exception {
        PgClients.psql(pg.primary().endpoint(), "drop table if exists tp_unlogged",
                "create unlogged table tp_unlogged (i int)", "insert into tp_unlogged values (1), (2)")
                .orThrow("create tp_unlogged");
        pg.cluster().awaitCaughtUp();
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            // The first reads go to the primary while pg_class is asked; then the answer is known.
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!explainReason(st, "select count(*) from tp_unlogged").contains("unlogged table")) {
                assertThat(System.nanoTime()).as("pg_class answered for tp_unlogged").isLessThan(deadline);
                assertThat(one(st, "select count(*) from tp_unlogged")).isEqualTo("2");
                Thread.sleep(50);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(one(st, "select count(*) from tp_unlogged")).as("unlogged: read on the primary").isEqualTo("2");
            }
            st.execute("pgpool set check_unlogged_table = off");
            // Now the read is balanced, and a standby cannot read an unlogged table: the setting took effect.
            assertThatThrownBy(() -> one(st, "select count(*) from tp_unlogged"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("unlogged");
            st.execute("pgpool reset check_unlogged_table");
            assertThat(one(st, "select count(*) from tp_unlogged")).isEqualTo("2");
        } finally {
            PgClients.psql(pg.primary().endpoint(), "drop table if exists tp_unlogged").orThrow("drop tp_unlogged");
        }
    }

    @Test
    void pgpoolSetClientIdleLimitReplacesTheServersLimitForTheSession() throws Exception {
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            st.execute("pgpool set client_idle_limit = 0");
            Thread.sleep(3_500);
            assertThat(one(st, "select 1")).as("0: never idle-disconnected in this session").isEqualTo("1");
            st.execute("pgpool reset client_idle_limit");
            Thread.sleep(3_500);
            assertThatThrownBy(() -> one(st, "select 1")).as("the file's 2 s limit again").isInstanceOf(SQLException.class);
        }
    }

    @Test
    void noticePerNodeStatementTellsTheClientWhichNodeRanEachStatement() throws Exception {
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            st.execute("pgpool set notice_per_node_statement = on");
            st.clearWarnings();
            int port = port(st, "show port");
            int node = pg.nodes().indexOf(pg.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow());
            java.sql.SQLWarning notice = st.getWarnings();
            assertThat((Throwable) notice).isNotNull();
            assertThat(notice.getMessage()).isEqualTo("DB node id: " + node + " statement: show port");
            assertThat((Throwable) notice.getNextWarning()).isNull();

            st.execute("pgpool set client_min_messages = warning");
            st.clearWarnings();
            port(st, "show port");
            assertThat((Throwable) st.getWarnings()).as("a NOTICE is below client_min_messages").isNull();

            st.execute("pgpool reset all");
            st.clearWarnings();
            port(st, "show port");
            assertThat((Throwable) st.getWarnings()).isNull();
        }
    }
}
