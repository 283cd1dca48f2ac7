package io.tidepool.session;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.server.ShutdownMode;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standby that stops while the health check has not noticed yet (period 60 s, and
 * failover_on_backend_error off, so it stays "up" for the whole test): every session that opens it
 * for a read gets that read run on another node, none fails. A fresh cluster, since the
 * standby is stopped for good.
 */
@ExtendWith(LeakDetection.class)
class StandbyDownReadsIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    @TempDir
    Path dir;

    @Test
    void readsSucceedWhenAStandbyIsDownButNotYetDetected() throws Exception {
        PgClients.psql(pg.primary().endpoint(), "create table tp_down (id int primary key, note text)",
                "insert into tp_down select g, 'n' || g from generate_series(1, 100) g").orThrow("create tp_down");
        pg.cluster().awaitCaughtUp();
        try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir, Map.of(
                "health_check_period", "60", "sr_check_period", "60", "failover_on_backend_error", "off",
                "connection_cache", "on", "backend_weight0", "0", "backend_weight1", "1",
                "backend_weight2", "1", "statement_level_load_balance", "on")),
                TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
            engine.start();
            PgEndpoint viaProxy = pg.primary().endpoint().withAddress("127.0.0.1",
                    engine.proxy().orElseThrow().tcpAddress().getPort());
            int down = pg.standby(1).port();
            pg.standby(1).stop(ShutdownMode.IMMEDIATE);

            Set<Integer> ports = PgClients.showPortAnswers(viaProxy, 10, 20);
            assertThat(ports).as("every read answered, none by the stopped standby").doesNotContain(down)
                    .contains(pg.standby(2).port());

            try (Connection c = PgClients.jdbc(viaProxy);
                 PreparedStatement ps = c.prepareStatement("select note from tp_down where id = ?")) {
                ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
                for (int i = 1; i <= 50; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("n" + i);
                    }
                }
            }
            assertThat(engine.cluster().snapshot().nodes().get(1).statusName())
                    .as("the health check has not run again: the node still counts as up").isEqualTo("up");
        }
    }
}
