package io.tidepool.session;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AdminCommandTest {

    @Test
    void showPoolViewsAreRecognisedInAnyCaseWithCommentsAndSemicolon() {
        assertThat(AdminCommand.parse("SHOW pool_nodes")).contains(
                new AdminCommand(AdminCommand.Verb.SHOW_POOL, "pool_nodes", Optional.empty()));
        assertThat(AdminCommand.parse("  /* x */ show POOL_STATUS ;")).map(AdminCommand::argument).contains("pool_status");
        assertThat(AdminCommand.parse("-- hi\nshow pool_version")).isPresent();
    }

    @Test
    void ordinaryStatementsAreLeftToTheBackends() {
        assertThat(AdminCommand.parse("show work_mem")).isEmpty();
        assertThat(AdminCommand.parse("select * from pool_nodes")).isEmpty();
        assertThat(AdminCommand.parse("show pool_nodes_extra")).isEmpty();
        assertThat(AdminCommand.parse("")).isEmpty();
    }

    @Test
    void pgpoolShowSetResetAndExplain() {
        assertThat(AdminCommand.parse("PGPOOL SHOW client_idle_limit")).contains(
                new AdminCommand(AdminCommand.Verb.PGPOOL_SHOW, "client_idle_limit", Optional.empty()));
        assertThat(AdminCommand.parse("pgpool set client_idle_limit = 30")).contains(
                new AdminCommand(AdminCommand.Verb.PGPOOL_SET, "client_idle_limit", Optional.of("30")));
        assertThat(AdminCommand.parse("pgpool set log_statement to 'on'")).map(c -> c.value().orElseThrow()).contains("on");
        assertThat(AdminCommand.parse("pgpool set log_statement to default")).map(AdminCommand::value).contains(Optional.empty());
        assertThat(AdminCommand.parse("PGPOOL RESET ALL")).map(AdminCommand::argument).contains("all");
        assertThat(AdminCommand.parse("pgpool explain routing select 1")).contains(
                new AdminCommand(AdminCommand.Verb.EXPLAIN_ROUTING, "select 1", Optional.empty()));
    }
}
