package io.tidepool.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgbench against a real primary with two standbys, as the bench runs it. */
class PgBenchIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.fresh(2);

    /**
     * A target with an endpoint per node gets its clients on every node at once, and its result
     * is their sum: each node's committed transactions grow by a run's worth, and together they
     * account for the TPS reported.
     */
    @Test
    void aSpreadTargetRunsItsClientsOnEveryNodeAndAddsTheirResultsUp() {
        LocalCluster cluster = pg.cluster();
        PgBench pgbench = new PgBench(cluster.binaries().pgbench(), cluster.superuser(), cluster.superuserPassword(),
                "postgres");
        pgbench.initialise(new DirectTarget(pg.primary().host(), pg.primary().port()), 1);
        cluster.awaitCaughtUp();
        DirectSpreadTarget spread = DirectSpreadTarget.over(pg.nodes());
        List<Long> before = committed(pg.nodes());

        PgBenchResult result = pgbench.run(spread, BenchWorkload.SELECT_ONLY, "simple", 5, 2, Duration.ofSeconds(2));

        List<Long> after = committed(pg.nodes());
        long total = 0;
        for (int i = 0; i < after.size(); i++) {
            long ran = after.get(i) - before.get(i);
            assertThat(ran).as("select-only transactions committed on %s", pg.nodes().get(i)).isGreaterThan(100);
            total += ran;
        }
        // pgbench's TPS leaves out connecting, so two seconds' worth is a little less than all it ran
        assertThat(result.tps()).isPositive();
        assertThat((double) total).isBetween(result.tps(), 3 * result.tps());
        assertThat(result.latencyMillis()).isPositive();
    }

    /** Transactions committed in database postgres, per node (a hot standby counts its read-only ones). */
    private static List<Long> committed(List<LocalNode> nodes) {
        List<Long> counts = new ArrayList<>();
        for (LocalNode node : nodes) {
            counts.add(Long.parseLong(node.queryValue(
                    "select xact_commit from pg_stat_database where datname = 'postgres'").orElseThrow()));
        }
        return counts;
    }
}
