package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigDiffTest {

    private static final Map<String, String> BASE = Map.of(
            "backend_hostname0", "db0", "backend_port0", "5432",
            "backend_hostname1", "db1", "backend_port1", "5432");

    private static PgpoolConfig config(Map<String, String> changes) throws ConfigException {
        Map<String, String> values = new HashMap<>(BASE);
        values.putAll(changes);
        return PgpoolConfig.fromMap(values);
    }

    private static ConfigDiff diff(Map<String, String> before, Map<String, String> after) throws ConfigException {
        return ConfigDiff.between(config(before), config(after));
    }

    @Test
    void identicalConfigurationsHaveNoChanges() throws ConfigException {
        assertThat(diff(Map.of(), Map.of()).isEmpty()).isTrue();
    }

    @Test
    void settingAParameterToItsDefaultIsNoChange() throws ConfigException {
        assertThat(diff(Map.of(), Map.of("port", "9999", "child_life_time", "300s")).isEmpty()).isTrue();
    }

    @Test
    void reloadableAndRestartOnlyChangesAreSeparated() throws ConfigException {
        ConfigDiff diff = diff(Map.of(), Map.of("port", "6432", "log_statement", "on", "num_init_children", "64",
                "health_check_period", "10"));

        assertThat(diff.reloadable()).extracting(ConfigDiff.Change::key)
                .containsExactly("log_statement", "health_check_period");
        assertThat(diff.restartRequiredNames()).containsExactly("port", "num_init_children");
        assertThat(diff.needsRestart()).extracting(ConfigDiff.Change::restartMessage).containsExactly(
                "parameter port changed; restart to apply", "parameter num_init_children changed; restart to apply");
        assertThat(diff.changes().get(0)).extracting(ConfigDiff.Change::oldValue, ConfigDiff.Change::newValue)
                .containsExactly("9999", "6432");
    }

    @Test
    void removingASettingGoesBackToItsDefault() throws ConfigException {
        ConfigDiff diff = diff(Map.of("listen_addresses", "*"), Map.of());

        assertThat(diff.changes()).extracting(c -> c.key() + ": " + c.oldValue() + " -> " + c.newValue())
                .containsExactly("listen_addresses: * -> localhost");
    }

    @Test
    void addingABackendAndChangingWeightsApplyOnReload() throws ConfigException {
        ConfigDiff diff = diff(Map.of(), Map.of("backend_hostname2", "db2", "backend_weight1", "3"));

        assertThat(diff.needsRestart()).isEmpty();
        assertThat(diff.reloadable()).extracting(ConfigDiff.Change::key)
                .containsExactlyInAnyOrder("backend_hostname2", "backend_weight1");
    }

    @Test
    void movingOrRemovingAnExistingBackendNeedsARestart() throws ConfigException {
        Map<String, String> before = Map.of("backend_hostname2", "db2");
        Map<String, String> after = Map.of("backend_hostname0", "elsewhere");

        assertThat(diff(before, after).restartRequiredNames())
                .containsExactlyInAnyOrder("backend_hostname0", "backend_hostname2");
    }

    @Test
    void perNodeOverrideIsItsOwnChange() throws ConfigException {
        assertThat(diff(Map.of(), Map.of("health_check_period1", "5")).reloadable())
                .extracting(ConfigDiff.Change::key).containsExactly("health_check_period1");
    }

    @Test
    void passwordsAreMaskedInChanges() throws ConfigException {
        ConfigDiff diff = diff(Map.of("sr_check_password", "old"), Map.of("sr_check_password", "new"));

        assertThat(diff.changes()).extracting(ConfigDiff.Change::oldValue, ConfigDiff.Change::newValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("*****", "*****"));
    }

    @Test
    void enumAliasesAreNotChanges() throws ConfigException {
        assertThat(diff(Map.of("log_min_messages", "debug"), Map.of("log_min_messages", "DEBUG2")).isEmpty()).isTrue();
    }

    @Test
    void tidepoolSettingsAreComparedToo() throws ConfigException {
        assertThat(diff(Map.of(), Map.of("worker_threads", "2", "builtin_failover", "on")).changes())
                .extracting(c -> c.key() + (c.appliesOnReload() ? " reload" : " restart"))
                .containsExactly("builtin_failover reload", "worker_threads restart");
    }
}
