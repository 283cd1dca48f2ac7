package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingExplainerTest {

    @Test
    void commandIsRecognisedInAnyCaseAndSpacing() {
        assertThat(RoutingExplainer.statementOf("PGPOOL EXPLAIN ROUTING SELECT 1")).contains("SELECT 1");
        assertThat(RoutingExplainer.statementOf("  pgpool  explain\n routing  /* c */ update t set v = 1; "))
                .contains("update t set v = 1;");
        assertThat(RoutingExplainer.statementOf("PGPOOL EXPLAIN ROUTING")).isEmpty();
        assertThat(RoutingExplainer.statementOf("PGPOOL SHOW port")).isEmpty();
        assertThat(RoutingExplainer.statementOf("SELECT 'PGPOOL EXPLAIN ROUTING'")).isEmpty();
    }

    @Test
    void explainShowsTheChosenNodeAndTheRule() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(2);
        StatementClassification c = RoutingFixture.CLASSIFIER.classify("UPDATE accounts SET v = 1");
        RoutingExplainer.Result r = RoutingExplainer.explain(c, f.peek("UPDATE accounts SET v = 1"), f.cluster);

        assertThat(r.columns()).containsExactly("node_id", "role", "chosen", "reason");
        assertThat(r.rows()).startsWith(
                List.of("0", "primary", "t", "write statement (UPDATE)"),
                List.of("1", "standby", "f", ""),
                List.of("2", "standby", "f", ""));
        assertThat(r.rows().get(3).get(3)).isEqualTo("statement: write UPDATE, writes accounts, classified by lexer");
    }

    @Test
    void explainNamesTheStandbyExcludedForDelay() {
        RoutingFixture f = new RoutingFixture(RoutingSettings.builder().delayThresholdBytes(1_000_000)
                .checkTempTable(RoutingSettings.TempTableCheck.TRACE).build()).balancedTo(2);
        f.cluster = ClusterView.of(NodeView.primary(0, 1), NodeView.standby(1, 1),
                NodeView.standby(2, 1).withDelay(1_200_000, 0));
        StatementClassification c = RoutingFixture.CLASSIFIER.classify("SELECT * FROM t");
        RoutingExplainer.Result r = RoutingExplainer.explain(c, f.peek("SELECT * FROM t"), f.cluster);

        assertThat(r.rows().get(0)).containsExactly("0", "primary", "t",
                "replication delay of the load-balance node is past the threshold");
        assertThat(r.rows().get(2)).containsExactly("2", "standby", "f",
                "standby 2 excluded: delay 1200000 > delay_threshold 1000000");
    }

    @Test
    void explainListsEveryNodeOfASessionWideStatement() {
        RoutingFixture f = RoutingFixture.defaults().balancedTo(1);
        f.run("SELECT 1");
        StatementClassification c = RoutingFixture.CLASSIFIER.classify("SET search_path = app");
        RoutingExplainer.Result r = RoutingExplainer.explain(c, f.peek("SET search_path = app"), f.cluster);
        assertThat(r.rows()).extracting(row -> row.get(2)).startsWith("t", "t", "f");
    }

    @Test
    void explainWithNoUsableNodeSaysWhy() {
        RoutingFixture f = RoutingFixture.defaults();
        f.cluster = ClusterView.of(NodeView.primary(0, 1).down());
        StatementClassification c = RoutingFixture.CLASSIFIER.classify("INSERT INTO t VALUES (1)");
        RoutingExplainer.Result r = RoutingExplainer.explain(c, f.peek("INSERT INTO t VALUES (1)"), f.cluster);
        assertThat(r.rows().get(0)).containsExactly("0", "primary", "f", "node is down");
        assertThat(r.rows().get(1).get(3)).startsWith("no primary node is available");
    }
}
