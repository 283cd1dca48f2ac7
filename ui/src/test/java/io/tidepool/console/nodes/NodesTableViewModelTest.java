package io.tidepool.console.nodes;

import io.tidepool.console.Nodes;
import io.tidepool.console.ScriptedClusterClient;
import io.tidepool.console.session.ClusterSession;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NodesTableViewModelTest {

    @Test
    void hasTheFourteenColumnsOfShowPoolNodesInOrder() {
        assertThat(NodesTableViewModel.COLUMNS).extracting(NodesTableViewModel.Column::header).containsExactly(
                "node_id", "hostname", "port", "status", "pg_status", "lb_weight", "role", "pg_role",
                "select_cnt", "load_balance_node", "replication_delay", "replication_state",
                "replication_sync_state", "last_status_change");
    }

    @Test
    void copyTextIsTabSeparatedWithHeader() {
        String text = NodesTableViewModel.copyText(List.of(Nodes.primary(0), Nodes.standby(1)));

        assertThat(text.split("\n")).containsExactly(
                "node_id\thostname\tport\tstatus\tpg_status\tlb_weight\trole\tpg_role\tselect_cnt\tload_balance_node"
                        + "\treplication_delay\treplication_state\treplication_sync_state\tlast_status_change",
                "0\t127.0.0.1\t5432\tup\tup\t0.333333\tprimary\tprimary\t10\tfalse\t0\t\t\t2026-11-21 07:00:00",
                "1\t127.0.0.1\t5433\tup\tup\t0.333333\tstandby\tstandby\t20\ttrue\t0\tstreaming\tasync\t2026-11-21 07:00:00");
    }

    @Test
    void statusLineSaysNodesPausedAndFailures() {
        ClusterSession session = new ClusterSession(Runnable::run);
        NodesTableViewModel vm = new NodesTableViewModel(session);
        ScriptedClusterClient client = new ScriptedClusterClient();
        session.connect(client.answer(Nodes.threeNodes(Instant.now())).fail("timed out"));

        session.refresh().join();
        assertThat(vm.statusLine().get()).startsWith("3 nodes \u00b7 read at ");

        vm.togglePaused();
        assertThat(vm.statusLine().get()).endsWith(" \u00b7 paused");

        session.refresh().join();
        assertThat(vm.statusLine().get()).isEqualTo("refresh failed: timed out");
    }
}
