package io.tidepool.session;

import io.tidepool.config.PgpoolConfig;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.SqlState;
import io.tidepool.routing.RoutingSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgpoolSessionSettingsTest {

    private static PgpoolSessionSettings settings(Map<String, String> file) throws Exception {
        return new PgpoolSessionSettings(Optional.of(PgpoolConfig.fromMap(file)));
    }

    private static SqlState stateOf(Throwable e) {
        return ((PgException) e).sqlState();
    }

    @Test
    void onlyTheParametersPgpoolAllowsPerSessionCanBeSet() throws Exception {
        PgpoolSessionSettings s = settings(Map.of());
        assertThatThrownBy(() -> s.set("num_init_children", Optional.of("3")))
                .satisfies(e -> assertThat(stateOf(e)).isEqualTo(SqlState.CANT_CHANGE_RUNTIME_PARAM))
                .hasMessage("invalid Context, value for parameter \"num_init_children\" cannot be changed");
        assertThatThrownBy(() -> s.set("statement_level_load_balance", Optional.of("on")))
                .satisfies(e -> assertThat(stateOf(e)).isEqualTo(SqlState.CANT_CHANGE_RUNTIME_PARAM));
        assertThatThrownBy(() -> s.set("no_such_parameter", Optional.of("1")))
                .satisfies(e -> assertThat(stateOf(e)).isEqualTo(SqlState.UNDEFINED_OBJECT))
                .hasMessage("unrecognized configuration parameter \"no_such_parameter\"");
        assertThatThrownBy(() -> s.reset("port"))
                .satisfies(e -> assertThat(stateOf(e)).isEqualTo(SqlState.CANT_CHANGE_RUNTIME_PARAM));
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void aValueTheParameterDoesNotAcceptIsRefusedAndChangesNothing() throws Exception {
        PgpoolSessionSettings s = settings(Map.of());
        assertThatThrownBy(() -> s.set("allow_sql_comments", Optional.of("banana")))
                .satisfies(e -> assertThat(stateOf(e)).isEqualTo(SqlState.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("'banana'").hasMessageContaining("allow_sql_comments");
        assertThatThrownBy(() -> s.set("client_idle_limit", Optional.of("-5")))
                .satisfies(e -> assertThat(stateOf(e)).isEqualTo(SqlState.INVALID_PARAMETER_VALUE));
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.view().orElseThrow().showValue("allow_sql_comments")).isEqualTo("off");
    }

    @Test
    void routingParametersChangeTheSessionsRoutingUntilReset() throws Exception {
        PgpoolSessionSettings s = settings(Map.of());
        RoutingSettings server = RoutingSettings.defaults();
        assertThat(s.changesRouting()).isFalse();
        assertThat(s.routing(server)).isSameAs(server);

        s.set("allow_sql_comments", Optional.of("on"));
        s.set("check_unlogged_table", Optional.of("off"));
        assertThat(s.changesRouting()).isTrue();
        RoutingSettings session = s.routing(server);
        assertThat(session.allowSqlComments()).isTrue();
        assertThat(session.checkUnloggedTable()).isFalse();
        assertThat(session.loadBalanceMode()).isEqualTo(server.loadBalanceMode());

        s.reset("allow_sql_comments");
        assertThat(s.routing(server).allowSqlComments()).isFalse();
        assertThat(s.routing(server).checkUnloggedTable()).isFalse();
        s.set("check_unlogged_table", Optional.empty()); // PGPOOL SET ... TO DEFAULT
        assertThat(s.routing(server)).isSameAs(server);
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void pgpoolShowPrintsASessionValueLikeAFileValue() throws Exception {
        PgpoolSessionSettings s = settings(Map.of("client_idle_limit", "2"));
        assertThat(s.clientIdleLimit(Duration.ofSeconds(2))).hasSeconds(2);
        s.set("client_idle_limit", Optional.of("90"));
        assertThat(s.view().orElseThrow().showValue("client_idle_limit")).isEqualTo("90s");
        assertThat(s.clientIdleLimit(Duration.ofSeconds(2))).hasSeconds(90);
        s.set("client_idle_limit", Optional.of("2min"));
        assertThat(s.view().orElseThrow().showValue("client_idle_limit")).isEqualTo("2min");
        s.resetAll();
        assertThat(s.view().orElseThrow().showValue("client_idle_limit")).isEqualTo("2s");
        assertThat(s.clientIdleLimit(Duration.ofSeconds(2))).hasSeconds(2);
    }

    @Test
    void perNodeNoticesFollowNoticePerNodeStatementAndClientMinMessages() throws Exception {
        PgpoolSessionSettings s = settings(Map.of());
        assertThat(s.noticePerNodeStatement()).isFalse();
        s.set("notice_per_node_statement", Optional.of("on"));
        assertThat(s.noticePerNodeStatement()).isTrue();
        s.set("client_min_messages", Optional.of("warning"));
        assertThat(s.noticePerNodeStatement()).as("a NOTICE is below warning").isFalse();
        s.set("client_min_messages", Optional.of("log"));
        assertThat(s.noticePerNodeStatement()).isTrue();
        s.resetAll();
        assertThat(s.noticePerNodeStatement()).isFalse();

        PgpoolSessionSettings fromFile = settings(Map.of("log_per_node_statement", "on", "log_statement", "on"));
        assertThat(fromFile.logPerNodeStatement()).isTrue();
        fromFile.set("log_per_node_statement", Optional.of("off"));
        assertThat(fromFile.logPerNodeStatement()).isFalse();
        fromFile.set("log_statement", Optional.of("off"));
        assertThat(fromFile.logStatement(true)).isFalse();
        assertThat(fromFile.logClientMessages(true)).as("not set in the session: the server's value").isTrue();
    }

    @Test
    void withoutAConfigurationNothingCanBeSet() {
        PgpoolSessionSettings s = new PgpoolSessionSettings(Optional.empty());
        assertThatThrownBy(() -> s.set("allow_sql_comments", Optional.of("on")))
                .satisfies(e -> assertThat(stateOf(e)).isEqualTo(SqlState.UNDEFINED_OBJECT));
        assertThat(s.noticePerNodeStatement()).isFalse();
    }
}
