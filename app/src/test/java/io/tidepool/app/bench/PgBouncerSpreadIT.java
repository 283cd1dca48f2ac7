package io.tidepool.app.bench;

import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench's spread PgBouncer really takes each share of pgbench's clients to its own node:
 * {@code node0} is the primary, {@code node1} and {@code node2} the standbys, and a select-only
 * run through it adds the parts up.
 */
class PgBouncerSpreadIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @Test
    void eachDatabaseReachesItsNodeAndPgbenchsClientsAreSplitOverThem() throws Exception {
        Path program = PgBouncerTarget.findProgram().orElseThrow(() -> new AssertionError(
                "pgbouncer is not installed: installers/dev/install-deps.sh bench installs it"));
        List<LocalNode> nodes = pg.nodes();
        // Under the cluster's directory, which the server user can reach (a JUnit temporary
        // directory is root's alone when the tests run as root).
        Path directory = pg.cluster().baseDirectory().resolve("pgbouncer-spread-it");
        pg.primary().execute("DROP DATABASE IF EXISTS spread_bench WITH (FORCE)");
        // the bench's user, as BenchTarget.connect logs in (the harness's superuser is the same)
        String user = BenchCommand.USER;
        String password = BenchCommand.PASSWORD;
        assertThat(pg.cluster().superuser()).isEqualTo(user);
        pg.cluster().createDatabase("spread_bench", user);
        pg.cluster().awaitCaughtUp(); // the standbys must have the database before node1 and node2 log in
        try (PgBouncerTarget spread = PgBouncerTarget.spread(program, directory, pg.cluster().serverUser(),
                nodes, "spread_bench", user, password, 8)) {
            assertThat(spread.spreadOver()).containsExactly("node0", "node1", "node2");
            assertThat(spread.runs(BenchWorkload.SELECT_ONLY)).isTrue();
            assertThat(spread.runs(BenchWorkload.TPCB_LIKE)).as("the standbys refuse writes").isFalse();
            for (int i = 0; i < nodes.size(); i++) {
                try (Connection c = spread.connect("node" + i, 5); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT inet_server_port(), pg_is_in_recovery()")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getInt(1)).as("node%d's port", i).isEqualTo(nodes.get(i).port());
                    assertThat(r.getBoolean(2)).as("node%d in recovery", i).isEqualTo(i > 0);
                }
            }
            // (the shared cluster's other tests never see these tables: they live in their own database)

            PgBench pgbench = new PgBench(pg.cluster().binaries().pgbench(), user, password, "spread_bench");
            pgbench.initialise(new DirectTarget(pg.primary().host(), pg.primary().port()), 1);
            pg.cluster().awaitCaughtUp();
            long[] before = transactions(nodes);
            PgBenchResult result = pgbench.run(spread, BenchWorkload.SELECT_ONLY, "simple", 4, 2, Duration.ofSeconds(2));
            long[] after = transactions(nodes);
            assertThat(result.tps()).isPositive();
            assertThat(result.latencyMillis()).isPositive();
            for (int i = 0; i < nodes.size(); i++) {
                // 4 clients over 3 nodes: 2, 1, 1, for 2 s each; backends report their counts at least
                // once a second, so each node shows hundreds
                assertThat(after[i] - before[i]).as("transactions on node%d", i).isGreaterThan(100);
            }
        } finally {
            pg.primary().execute("DROP DATABASE IF EXISTS spread_bench WITH (FORCE)");
        }
    }

    /** Committed transactions in the bench database, per node (pg_stat_database counts a standby's read-only ones too). */
    private static long[] transactions(List<LocalNode> nodes) {
        long[] counts = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            counts[i] = Long.parseLong(nodes.get(i).queryValue(
                    "SELECT xact_commit FROM pg_stat_database WHERE datname = 'spread_bench'").orElseThrow().strip());
        }
        return counts;
    }
}
