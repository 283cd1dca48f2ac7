package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.config.PgpoolShow.Row;
import io.tidepool.config.PgpoolShow.Table;
import io.tidepool.config.PgpoolShow.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PgpoolShowTest {

    private final PgpoolConfig config = PgpoolConfig.fromMap(Map.of(
            "port", "9999",
            "backend_hostname0", "'db0'", "backend_port0", "5432",
            "backend_hostname1", "'db1'", "backend_port1", "5433",
            "health_check_period", "10",
            "health_check_period1", "30",
            "health_check_password", "'secret'"));

    PgpoolShowTest() throws ConfigException {
    }

    @Test
    void aParameterOrOneElementIsOneColumnNamedAsAsked() {
        assertThat(PgpoolShow.of(config, "port")).hasValue(new Value("port", "9999"));
        assertThat(PgpoolShow.of(config, "backend_hostname1")).hasValue(new Value("backend_hostname1", "db1"));
        assertThat(PgpoolShow.of(config, "health_check_period1")).hasValue(new Value("health_check_period1", "30s"));
        assertThat(PgpoolShow.of(config, "no_such_thing")).isEmpty();
    }

    @Test
    void anArrayWithoutIndexListsItsConfiguredElementsAfterItsDefault() {
        assertThat(items("backend_hostname")).containsExactly("backend_hostname0", "backend_hostname1");
        assertThat(values("backend_hostname")).containsExactly("db0", "db1");
        // a per-node parameter that also has an index-free default shows that first
        assertThat(items("health_check_period")).containsExactly("health_check_period", "health_check_period0",
                "health_check_period1");
        assertThat(values("health_check_period")).containsExactly("10s", "10s", "30s");
        // no watchdog node configured: no element
        assertThat(items("hostname")).isEmpty();
    }

    @Test
    void groupsInterleaveTheirMembersPerElement() {
        assertThat(items("backend")).containsExactly(
                "backend_hostname0", "backend_port0", "backend_weight0", "backend_data_directory0",
                "backend_application_name0", "backend_flag0",
                "backend_hostname1", "backend_port1", "backend_weight1", "backend_data_directory1",
                "backend_application_name1", "backend_flag1");
        List<String> health = items("health_check");
        assertThat(health).hasSize(8 * 3).startsWith("health_check_period", "health_check_timeout", "health_check_user",
                "health_check_password", "health_check_database", "health_check_max_retries",
                "health_check_retry_delay", "connect_timeout", "health_check_period0");
        assertThat(health.subList(16, 24)).allMatch(item -> item.endsWith("1"));
        assertThat(rows("health_check")).filteredOn(r -> r.item().startsWith("health_check_password"))
                .extracting(Row::value).containsOnly("*****");
        assertThat(items("watchdog")).isEmpty();
        assertThat(items("heartbeat")).isEmpty();
    }

    @Test
    void watchdogAndHeartbeatElementsAreTheirConfiguredSlots() throws ConfigException {
        PgpoolConfig wd = PgpoolConfig.fromMap(Map.of("backend_hostname0", "'db0'",
                "hostname0", "'h0'", "pgpool_port0", "9999", "wd_port0", "9000",
                "hostname2", "'h2'", "pgpool_port2", "9999", "wd_port2", "9000",
                "heartbeat_hostname2", "'h2'", "heartbeat_port2", "9694"));
        assertThat(((Table) PgpoolShow.of(wd, "watchdog").orElseThrow()).rows()).extracting(Row::item)
                .containsExactly("hostname0", "pgpool_port0", "wd_port0", "hostname2", "pgpool_port2", "wd_port2");
        assertThat(((Table) PgpoolShow.of(wd, "heartbeat").orElseThrow()).rows()).extracting(Row::item)
                .containsExactly("heartbeat_device2", "heartbeat_hostname2", "heartbeat_port2");
        assertThat(((Table) PgpoolShow.of(wd, "wd_port").orElseThrow()).rows()).extracting(Row::value)
                .containsExactly("9000", "9000");
    }

    @Test
    void allListsTheGroupsFirstThenEveryOtherParameterOnce() {
        List<String> all = items("all");
        assertThat(all).startsWith(items("backend").toArray(String[]::new));
        int healthEnd = items("backend").size() + items("health_check").size();
        assertThat(all.subList(items("backend").size(), healthEnd)).isEqualTo(items("health_check"));
        assertThat(new HashSet<>(all)).as("no item twice").hasSameSizeAs(all);
        Set<String> plain = new HashSet<>();
        for (Parameter p : config.catalog().all()) {
            if (!p.isIndexed()) {
                plain.add(p.name());
            }
        }
        assertThat(all).containsAll(plain).contains("backend_hostname1", "health_check_period1");
        assertThat(rows("all")).filteredOn(r -> r.item().equals("port")).extracting(Row::value).containsExactly("9999");
        assertThat(rows("all")).allSatisfy(r -> assertThat(r.description()).isNotEmpty());
    }

    private List<Row> rows(String name) {
        return ((Table) PgpoolShow.of(config, name).orElseThrow()).rows();
    }

    private List<String> items(String name) {
        return rows(name).stream().map(Row::item).toList();
    }

    private List<String> values(String name) {
        return rows(name).stream().map(Row::value).toList();
    }
}
