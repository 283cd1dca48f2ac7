package io.tidepool.config;

import java.util.List;
import java.util.Map;

/**
 * The rows of {@code SHOW pool_status} and {@code pcp_pool_status} in pgpool-II's order (spec
 * Appendix A). Plain names are catalog parameters; the {@code @} markers stand for blocks that
 * repeat per node or carry run-time values. This list and the catalog together say what each
 * parameter prints; {@link PoolStatusReport} renders it.
 */
final class PoolStatusLayout {

    /** hostnameN, pgpool_portN, wd_portN for each watchdog slot with a pgpool_port. */
    static final String WATCHDOG_NODES = "@watchdog_nodes";
    /** heartbeat_hostnameN, heartbeat_deviceN, heartbeat_portN for each slot with a port. */
    static final String HEARTBEATS = "@heartbeats";
    /** memqcache_stats_start_time, memqcache_no_cache_hits, memqcache_cache_hits. */
    static final String CACHE_STATISTICS = "@cache_statistics";
    /** The eight backend_*N / standby_delayN rows for each configured backend. */
    static final String BACKENDS = "@backends";

    /** Rows whose item differs from the parameter name. */
    static final Map<String, String> ITEM_NAMES = Map.of("memqcache_oiddir", "memqcache_cache_oiddir");

    static final List<String> ROWS = List.of(
            "backend_clustering_mode", "listen_addresses", "port", "unix_socket_directories", "unix_socket_group",
            "unix_socket_permissions", "pcp_listen_addresses", "pcp_port", "pcp_socket_dir", "enable_pool_hba",
            "pool_passwd", "authentication_timeout", "allow_clear_text_frontend_auth",
            "ssl", "ssl_key", "ssl_cert", "ssl_ca_cert", "ssl_ca_cert_dir", "ssl_crl_file", "ssl_ciphers",
            "ssl_prefer_server_ciphers", "ssl_ecdh_curve", "ssl_dh_params_file", "ssl_passphrase_command",
            "listen_backlog_multiplier", "serialize_accept", "reserved_connections", "max_pool",
            "process_management_mode", "process_management_strategy", "num_init_children", "min_spare_children",
            "max_spare_children", "child_life_time", "child_max_connections", "connection_life_time",
            "client_idle_limit",
            "log_destination", "log_line_prefix", "log_error_verbosity", "client_min_messages", "log_min_messages",
            "log_connections", "log_disconnections", "log_pcp_processes", "log_hostname", "log_statement",
            "log_per_node_statement", "notice_per_node_statement", "log_client_messages", "log_backend_messages",
            "log_standby_delay", "syslog_facility", "syslog_ident", "pid_file_name", "work_dir",
            "connection_cache", "reset_query_list",
            "replicate_select", "insert_lock", "lobj_lock_table", "replication_stop_on_mismatch",
            "failover_if_affected_tuples_mismatch",
            "load_balance_mode", "ignore_leading_white_space", "read_only_function_list", "write_function_list",
            "primary_routing_query_pattern_list", "disable_load_balance_on_write",
            "dml_adaptive_object_relationship_list", "statement_level_load_balance",
            "sr_check_period", "sr_check_user", "sr_check_password", "sr_check_database", "delay_threshold",
            "delay_threshold_by_time", "prefer_lower_delay_standby", "follow_primary_command",
            "user_redirect_preference_list", "database_redirect_preference_list",
            "app_name_redirect_preference_list", "allow_sql_comments",
            "health_check_period", "health_check_timeout", "health_check_user", "health_check_password",
            "health_check_database", "health_check_max_retries", "health_check_retry_delay", "connect_timeout",
            "failover_command", "failback_command", "failover_on_backend_error", "failover_on_backend_shutdown",
            "detach_false_primary", "auto_failback", "auto_failback_interval",
            "recovery_user", "recovery_database", "recovery_1st_stage_command", "recovery_2nd_stage_command",
            "recovery_timeout", "search_primary_node_timeout", "client_idle_limit_in_recovery",
            "relcache_expire", "relcache_size", "check_temp_table", "check_unlogged_table",
            "enable_shared_relcache", "relcache_query_target",
            "use_watchdog", "wd_ipc_socket_dir", "wd_lifecheck_method", "clear_memqcache_on_escalation",
            "wd_escalation_command", "wd_de_escalation_command", "trusted_servers", "trusted_server_command",
            "delegate_ip", "wd_priority", "wd_interval", "ping_path", "if_cmd_path", "if_up_cmd", "if_down_cmd",
            "arping_path", "arping_cmd", "wd_heartbeat_keepalive", "wd_heartbeat_deadtime", "wd_life_point",
            "wd_lifecheck_query", "wd_lifecheck_dbname", "wd_lifecheck_user", "wd_lifecheck_password",
            WATCHDOG_NODES, HEARTBEATS, "wd_monitoring_interfaces_list",
            "memory_cache_enabled", "memqcache_method", "memqcache_memcached_host", "memqcache_memcached_port",
            "memqcache_total_size", "memqcache_max_num_cache", "memqcache_expire",
            "memqcache_auto_cache_invalidation", "memqcache_maxcache", "memqcache_cache_block_size",
            "memqcache_oiddir", CACHE_STATISTICS, "cache_safe_memqcache_table_list",
            "cache_unsafe_memqcache_table_list",
            BACKENDS);

    private PoolStatusLayout() {
    }
}
