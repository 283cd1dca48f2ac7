package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** SHOW pool_status / pcp_pool_status rows (spec 2.2.2, Appendix A). */
class PoolStatusReportTest {

    /**
     * Appendix A's item column for a configuration with watchdog nodes 0 (this proxy) and 1,
     * heartbeat slots 0 and 1, and backends 0 and 1, in order.
     */
    private static final List<String> APPENDIX_A_ITEMS = List.of(
            "backend_clustering_mode", "listen_addresses", "port", "unix_socket_directories", "unix_socket_group",
            "unix_socket_permissions", "pcp_listen_addresses", "pcp_port", "pcp_socket_dir", "enable_pool_hba",
            "pool_passwd", "authentication_timeout", "allow_clear_text_frontend_auth", "ssl", "ssl_key", "ssl_cert",
            "ssl_ca_cert", "ssl_ca_cert_dir", "ssl_crl_file", "ssl_ciphers", "ssl_prefer_server_ciphers",
            "ssl_ecdh_curve", "ssl_dh_params_file", "ssl_passphrase_command", "listen_backlog_multiplier",
            "serialize_accept", "reserved_connections", "max_pool", "process_management_mode",
            "process_management_strategy", "num_init_children", "min_spare_children", "max_spare_children",
            "child_life_time", "child_max_connections", "connection_life_time", "client_idle_limit",
            "log_destination", "log_line_prefix", "log_error_verbosity", "client_min_messages", "log_min_messages",
            "log_connections", "log_disconnections", "log_pcp_processes", "log_hostname", "log_statement",
            "log_per_node_statement", "notice_per_node_statement", "log_client_messages", "log_backend_messages",
            "log_standby_delay", "syslog_facility", "syslog_ident", "pid_file_name", "work_dir", "connection_cache",
            "reset_query_list", "replicate_select", "insert_lock", "lobj_lock_table", "replication_stop_on_mismatch",
            "failover_if_affected_tuples_mismatch", "load_balance_mode", "ignore_leading_white_space",
            "read_only_function_list", "write_function_list", "primary_routing_query_pattern_list",
            "disable_load_balance_on_write", "dml_adaptive_object_relationship_list", "statement_level_load_balance",
            "sr_check_period", "sr_check_user", "sr_check_password", "sr_check_database", "delay_threshold",
            "delay_threshold_by_time", "prefer_lower_delay_standby", "follow_primary_command",
            "user_redirect_preference_list", "database_redirect_preference_list",
            "app_name_redirect_preference_list", "allow_sql_comments", "health_check_period",
            "health_check_timeout", "health_check_user", "health_check_password", "health_check_database",
            "health_check_max_retries", "health_check_retry_delay", "connect_timeout", "failover_command",
            "failback_command", "failover_on_backend_error", "failover_on_backend_shutdown", "detach_false_primary",
            "auto_failback", "auto_failback_interval", "recovery_user", "recovery_database",
            "recovery_1st_stage_command", "recovery_2nd_stage_command", "recovery_timeout",
            "search_primary_node_timeout", "client_idle_limit_in_recovery", "relcache_expire", "relcache_size",
            "check_temp_table", "check_unlogged_table", "enable_shared_relcache", "relcache_query_target",
            "use_watchdog", "wd_ipc_socket_dir", "wd_lifecheck_method", "clear_memqcache_on_escalation",
            "wd_escalation_command", "wd_de_escalation_command", "trusted_servers", "trusted_server_command",
            "delegate_ip", "wd_priority", "wd_interval", "ping_path", "if_cmd_path", "if_up_cmd", "if_down_cmd",
            "arping_path", "arping_cmd", "wd_heartbeat_keepalive", "wd_heartbeat_deadtime", "wd_life_point",
            "wd_lifecheck_query", "wd_lifecheck_dbname", "wd_lifecheck_user", "wd_lifecheck_password",
            "hostname0", "pgpool_port0", "wd_port0", "hostname1", "pgpool_port1", "wd_port1",
            "heartbeat_hostname0", "heartbeat_device0", "heartbeat_port0",
            "heartbeat_hostname1", "heartbeat_device1", "heartbeat_port1",
            "wd_monitoring_interfaces_list", "memory_cache_enabled", "memqcache_method", "memqcache_memcached_host",
            "memqcache_memcached_port", "memqcache_total_size", "memqcache_max_num_cache", "memqcache_expire",
            "memqcache_auto_cache_invalidation", "memqcache_maxcache", "memqcache_cache_block_size",
            "memqcache_cache_oiddir", "memqcache_stats_start_time", "memqcache_no_cache_hits",
            "memqcache_cache_hits", "cache_safe_memqcache_table_list", "cache_unsafe_memqcache_table_list",
            "backend_hostname0", "backend_port0", "backend_weight0", "backend_data_directory0", "backend_status0",
            "standby_delay0", "backend_flag0", "backend_application_name0",
            "backend_hostname1", "backend_port1", "backend_weight1", "backend_data_directory1", "backend_status1",
            "standby_delay1", "backend_flag1", "backend_application_name1");

    private static PgpoolConfig clusterConfig() throws ConfigException {
        return PgpoolConfig.fromMap(Map.ofEntries(
                Map.entry("backend_hostname0", "db0"), Map.entry("backend_port0", "5432"),
                Map.entry("backend_weight0", "1"),
                Map.entry("backend_hostname1", "db1"), Map.entry("backend_port1", "5433"),
                Map.entry("backend_weight1", "3"), Map.entry("backend_flag1", "DISALLOW_TO_FAILOVER|ALWAYS_PRIMARY"),
                Map.entry("hostname0", "p0"), Map.entry("pgpool_port0", "9999"), Map.entry("wd_port0", "9000"),
                Map.entry("hostname1", "p1"), Map.entry("pgpool_port1", "9999"), Map.entry("wd_port1", "9000"),
                Map.entry("heartbeat_hostname0", "p0"), Map.entry("heartbeat_port0", "9694"),
                Map.entry("heartbeat_hostname1", "p1"), Map.entry("heartbeat_port1", "9694"),
                Map.entry("listen_addresses", "'127.0.0.1, ::1'"),
                Map.entry("sr_check_password", "hunter2")));
    }

    private static Map<String, String> values(List<PoolStatusReport.Row> rows) {
        return rows.stream().collect(Collectors.toMap(PoolStatusReport.Row::item, PoolStatusReport.Row::value));
    }

    @Test
    void rowsFollowAppendixAOrder() throws ConfigException {
        assertThat(PoolStatusReport.rows(clusterConfig(), PoolStatusReport.RuntimeValues.NONE))
                .extracting(PoolStatusReport.Row::item).containsExactlyElementsOf(APPENDIX_A_ITEMS);
    }

    @Test
    void valuesUsePgpoolFormats() throws ConfigException {
        Map<String, String> v = values(PoolStatusReport.rows(clusterConfig(), PoolStatusReport.RuntimeValues.NONE));

        assertThat(v).containsEntry("backend_clustering_mode", "1")
                .containsEntry("listen_addresses", "127.0.0.1,::1")
                .containsEntry("port", "9999")
                .containsEntry("unix_socket_permissions", "0777")
                .containsEntry("ssl", "0")
                .containsEntry("load_balance_mode", "1")
                .containsEntry("authentication_timeout", "60")
                .containsEntry("child_life_time", "300")
                .containsEntry("connect_timeout", "10000")
                .containsEntry("memqcache_total_size", "67108864")
                .containsEntry("log_min_messages", "19")
                .containsEntry("client_min_messages", "18")
                .containsEntry("log_error_verbosity", "1")
                .containsEntry("log_standby_delay", "2")
                .containsEntry("disable_load_balance_on_write", "2")
                .containsEntry("syslog_facility", "LOCAL0")
                .containsEntry("reset_query_list", "ABORT;DISCARD ALL")
                .containsEntry("pool_passwd", "pool_passwd")
                .containsEntry("sr_check_password", "*****")
                .containsEntry("backend_weight0", "0.250000")
                .containsEntry("backend_weight1", "0.750000")
                .containsEntry("backend_flag0", "ALLOW_TO_FAILOVER")
                .containsEntry("backend_flag1", "DISALLOW_TO_FAILOVER|ALWAYS_PRIMARY")
                .containsEntry("backend_status0", "waiting")
                .containsEntry("memqcache_cache_oiddir", "/var/log/pgpool/oiddir");
    }

    @Test
    void runtimeValuesComeFromTheCaller() throws ConfigException {
        PoolStatusReport.RuntimeValues runtime = new PoolStatusReport.RuntimeValues() {
            @Override
            public String backendStatus(int nodeId) {
                return nodeId == 0 ? "up" : "down";
            }

            @Override
            public long standbyDelay(int nodeId) {
                return nodeId * 1000L;
            }

            @Override
            public String cacheStatisticsStart() {
                return "Sat Nov 21 07:00:00 2026";
            }

            @Override
            public long cacheMisses() {
                return 7;
            }

            @Override
            public long cacheHits() {
                return 42;
            }
        };

        Map<String, String> v = values(PoolStatusReport.rows(clusterConfig(), runtime));

        assertThat(v).containsEntry("backend_status0", "up").containsEntry("backend_status1", "down")
                .containsEntry("standby_delay1", "1000").containsEntry("memqcache_cache_hits", "42")
                .containsEntry("memqcache_no_cache_hits", "7")
                .containsEntry("memqcache_stats_start_time", "Sat Nov 21 07:00:00 2026");
    }

    @Test
    void localWatchdogNodeIsDescribedAsThisProxy() throws ConfigException {
        List<PoolStatusReport.Row> rows = PoolStatusReport.rows(clusterConfig(), PoolStatusReport.RuntimeValues.NONE);

        assertThat(rows).filteredOn(r -> r.item().equals("hostname0")).extracting(PoolStatusReport.Row::description)
                .containsExactly("host name or address of this proxy (watchdog node 0)");
        assertThat(rows).filteredOn(r -> r.item().equals("hostname1")).extracting(PoolStatusReport.Row::description)
                .containsExactly("host name or address of watchdog node 1");
    }

    @Test
    void everyFieldFitsPcpLimits() throws ConfigException {
        for (PoolStatusReport.Row row : PoolStatusReport.rows(clusterConfig(), PoolStatusReport.RuntimeValues.NONE)) {
            assertThat(row.item().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
            assertThat(row.value().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(511);
            assertThat(row.description().getBytes(StandardCharsets.UTF_8).length).as(row.item())
                    .isLessThanOrEqualTo(79);
        }
    }

    @Test
    void truncationNeverSplitsACharacter() {
        assertThat(PoolStatusReport.truncate("aé", 2)).isEqualTo("a");
        assertThat(PoolStatusReport.truncate("abc", 3)).isEqualTo("abc");
    }
}
