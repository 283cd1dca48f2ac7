package io.tidepool.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.config.PgpoolConfig;
import io.tidepool.routing.RoutingSettings.TempTableCheck;
import io.tidepool.routing.RoutingSettings.WritePolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RoutingSettingsTest {

    @Test
    void defaultsAreThoseOfPgpool() {
        RoutingSettings d = RoutingSettings.defaults();
        assertThat(d.loadBalanceMode()).isTrue();
        assertThat(d.disableLoadBalanceOnWrite()).isEqualTo(WritePolicy.TRANSACTION);
        assertThat(d.ignoreLeadingWhiteSpace()).isTrue();
        assertThat(d.allowSqlComments()).isFalse();
        assertThat(d.checkTempTable()).isEqualTo(TempTableCheck.CATALOG);
        assertThat(d.checkUnloggedTable()).isTrue();
    }

    @Test
    void fromConfigReadsEveryRoutingParameter() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.ofEntries(
                Map.entry("load_balance_mode", "off"),
                Map.entry("statement_level_load_balance", "on"),
                Map.entry("disable_load_balance_on_write", "'dml_adaptive'"),
                Map.entry("dml_adaptive_object_relationship_list", "'t1:t2,f():t3'"),
                Map.entry("write_function_list", "'nextval,set_.*'"),
                Map.entry("primary_routing_query_pattern_list", "'SELECT [*] FROM t1;SELECT .* FROM t2'"),
                Map.entry("database_redirect_preference_list", "'postgres:primary,mydb[01]:1'"),
                Map.entry("app_name_redirect_preference_list", "'psql:standby(0.3)'"),
                Map.entry("user_redirect_preference_list", "'batch:2'"),
                Map.entry("allow_sql_comments", "on"),
                Map.entry("ignore_leading_white_space", "off"),
                Map.entry("check_temp_table", "trace"),
                Map.entry("check_unlogged_table", "off"),
                Map.entry("delay_threshold", "10000000"),
                Map.entry("delay_threshold_by_time", "2s"),
                Map.entry("prefer_lower_delay_standby", "on")));

        RoutingSettings s = RoutingSettings.fromConfig(config);

        assertThat(s.loadBalanceMode()).isFalse();
        assertThat(s.statementLevelLoadBalance()).isTrue();
        assertThat(s.disableLoadBalanceOnWrite()).isEqualTo(WritePolicy.DML_ADAPTIVE);
        assertThat(s.dmlAdaptiveRelations()).isEqualTo(Map.of("t1", Set.of("t2"), "f()", Set.of("t3")));
        assertThat(s.writeFunctions()).extracting(Pattern::pattern).containsExactly("^(?:nextval)$", "^(?:set_.*)$");
        assertThat(s.readOnlyFunctions()).isEmpty();
        assertThat(s.primaryRoutingQueryPatterns()).extracting(Pattern::pattern)
                .containsExactly("^(?:SELECT [*] FROM t1)$", "^(?:SELECT .* FROM t2)$");
        assertThat(s.databaseRedirects()).hasSize(2);
        assertThat(s.appNameRedirects().get(0).weight()).isEqualTo(0.3);
        assertThat(s.userRedirects().get(0).nodeId()).isEqualTo(2);
        assertThat(s.allowSqlComments()).isTrue();
        assertThat(s.ignoreLeadingWhiteSpace()).isFalse();
        assertThat(s.checkTempTable()).isEqualTo(TempTableCheck.TRACE);
        assertThat(s.checkUnloggedTable()).isFalse();
        assertThat(s.delayThresholdBytes()).isEqualTo(10_000_000L);
        assertThat(s.delayThresholdMillis()).isEqualTo(2_000L);
        assertThat(s.preferLowerDelayStandby()).isTrue();
    }

    @Test
    void redirectListParsesKeywordsNodeIdsAndWeights() {
        List<RedirectRule> rules = RedirectRule.parseList("database_redirect_preference_list",
                "postgres:primary, mydb[01]:1 ,mydb2:standby(0.25)");
        assertThat(rules).extracting(RedirectRule::target)
                .containsExactly(RedirectRule.Target.PRIMARY, RedirectRule.Target.NODE, RedirectRule.Target.STANDBY);
        assertThat(rules.get(1).nodeId()).isEqualTo(1);
        assertThat(rules.get(2).weight()).isEqualTo(0.25);
        assertThat(rules.get(0).weight()).isEqualTo(1.0);
    }

    @Test
    void redirectNamesAreAnchoredRegularExpressions() {
        RedirectRule rule = RedirectRule.parseList("x", "mydb[01]:1").get(0);
        assertThat(rule.matches("mydb0")).isTrue();
        assertThat(rule.matches("mydb1")).isTrue();
        assertThat(rule.matches("mydb10")).isFalse();
        assertThat(rule.matches("xmydb0")).isFalse();
    }

    @Test
    void badRedirectEntriesAreRejectedWithTheParameterName() {
        assertThatThrownBy(() -> RedirectRule.parseList("app_name_redirect_preference_list", "psql"))
                .hasMessageContaining("app_name_redirect_preference_list").hasMessageContaining("'psql'");
        assertThatThrownBy(() -> RedirectRule.parseList("p", "a:replica"))
                .hasMessageContaining("'replica'");
        assertThatThrownBy(() -> RedirectRule.parseList("p", "a:standby(1.5)"))
                .hasMessageContaining("outside 0..1");
        assertThatThrownBy(() -> RedirectRule.parseList("p", "a[:1"))
                .hasMessageContaining("not a valid regular expression");
    }

    @Test
    void functionListsAreAnchoredAndCaseInsensitive() {
        List<Pattern> list = RoutingSettings.parseRegexList("write_function_list", "set_.*, nextval");
        assertThat(list.get(0).matcher("SET_FLAG").matches()).isTrue();
        assertThat(list.get(0).matcher("reset_flag").matches()).isFalse();
        assertThat(list.get(1).matcher("nextval").matches()).isTrue();
    }

    @Test
    void patternListSplitsOnlyAtUnescapedSemicolons() {
        List<Pattern> list = RoutingSettings.parsePatternList("SELECT \\* FROM t1\\;;select 1;;");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).matcher("SELECT * FROM t1;").matches()).isTrue();
        assertThat(list.get(1).matcher("SELECT 1").matches()).isTrue();
    }

    @Test
    void relationshipListMapsObjectsToDependents() {
        assertThat(RoutingSettings.parseRelations("a:b, a:c ,F():t"))
                .isEqualTo(Map.of("a", Set.of("b", "c"), "f()", Set.of("t")));
        assertThatThrownBy(() -> RoutingSettings.parseRelations("lonely")).hasMessageContaining("'lonely'");
    }

    @Test
    void writePolicyAndTempTableCheckParsePgpoolWords() {
        assertThat(WritePolicy.parse("TRANS_TRANSACTION")).isEqualTo(WritePolicy.TRANS_TRANSACTION);
        assertThatThrownBy(() -> WritePolicy.parse("sometimes")).hasMessageContaining("'sometimes'");
        assertThat(TempTableCheck.parse("on")).isEqualTo(TempTableCheck.CATALOG);
        assertThat(TempTableCheck.parse("off")).isEqualTo(TempTableCheck.NONE);
    }
}
