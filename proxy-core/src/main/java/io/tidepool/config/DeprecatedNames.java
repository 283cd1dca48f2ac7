package io.tidepool.config;

import java.util.List;

/** Names real pgpool.conf files still carry from older pgpool-II releases (see {@link DeprecatedName}). */
final class DeprecatedNames {

    private DeprecatedNames() {
    }

    static List<DeprecatedName> all() {
        return List.of(
                // Renamed with the same meaning: the value is carried over.
                DeprecatedName.renamed("logdir", "work_dir", "renamed in pgpool-II 4.7"),
                DeprecatedName.renamed("socket_dir", "unix_socket_directories", "renamed in pgpool-II 4.4"),
                DeprecatedName.renamed("fail_over_on_backend_error", "failover_on_backend_error",
                        "renamed in pgpool-II 4.0"),
                DeprecatedName.renamed("delegate_IP", "delegate_ip", "renamed in pgpool-II 4.2"),
                DeprecatedName.renamed("follow_master_command", "follow_primary_command", "renamed in pgpool-II 4.2"),
                DeprecatedName.renamed("white_function_list", "read_only_function_list", "renamed in pgpool-II 4.2"),
                DeprecatedName.renamed("black_function_list", "write_function_list", "renamed in pgpool-II 4.2"),
                DeprecatedName.renamed("black_query_pattern_list", "primary_routing_query_pattern_list",
                        "renamed in pgpool-II 4.2"),
                DeprecatedName.renamed("white_memqcache_table_list", "cache_safe_memqcache_table_list",
                        "renamed in pgpool-II 4.2"),
                DeprecatedName.renamed("black_memqcache_table_list", "cache_unsafe_memqcache_table_list",
                        "renamed in pgpool-II 4.2"),
                // Replaced by a different model: the old line cannot be translated one to one.
                DeprecatedName.replaced("master_slave_mode", "backend_clustering_mode", "removed in pgpool-II 4.2"),
                DeprecatedName.replaced("master_slave_sub_mode", "backend_clustering_mode",
                        "removed in pgpool-II 4.2"),
                DeprecatedName.replaced("replication_mode", "backend_clustering_mode", "removed in pgpool-II 4.2"),
                DeprecatedName.replaced("debug_level", "log_min_messages", "removed in pgpool-II 3.5"),
                DeprecatedName.replaced("print_timestamp", "log_line_prefix", "removed in pgpool-II 3.5"),
                DeprecatedName.replaced("wd_hostname", "hostnameN with a pgpool_node_id file",
                        "removed in pgpool-II 4.2"),
                DeprecatedName.replaced("wd_port", "wd_portN with a pgpool_node_id file", "removed in pgpool-II 4.2"),
                DeprecatedName.replaced("wd_heartbeat_port", "heartbeat_portN", "removed in pgpool-II 4.2"),
                DeprecatedName.replacedIndexed("other_pgpool_hostname", "hostnameN", "removed in pgpool-II 4.2"),
                DeprecatedName.replacedIndexed("other_pgpool_port", "pgpool_portN", "removed in pgpool-II 4.2"),
                DeprecatedName.replacedIndexed("other_wd_port", "wd_portN", "removed in pgpool-II 4.2"),
                DeprecatedName.replacedIndexed("heartbeat_destination", "heartbeat_hostnameN",
                        "removed in pgpool-II 4.2"),
                DeprecatedName.replacedIndexed("heartbeat_destination_port", "heartbeat_portN",
                        "removed in pgpool-II 4.2"),
                DeprecatedName.replaced("backend_socket_dir", "backend_hostnameN set to a directory",
                        "removed in pgpool-II 3.5"),
                // Gone without successor.
                DeprecatedName.removed("parallel_mode", "parallel query mode was removed in pgpool-II 3.5"),
                DeprecatedName.removed("enable_query_cache", "the on-disk query cache was removed in pgpool-II 3.5"),
                DeprecatedName.removed("system_db_hostname", "the system database was removed in pgpool-II 3.5"),
                DeprecatedName.removed("system_db_port", "the system database was removed in pgpool-II 3.5"),
                DeprecatedName.removed("system_db_dbname", "the system database was removed in pgpool-II 3.5"),
                DeprecatedName.removed("system_db_schema", "the system database was removed in pgpool-II 3.5"),
                DeprecatedName.removed("system_db_user", "the system database was removed in pgpool-II 3.5"),
                DeprecatedName.removed("system_db_password", "the system database was removed in pgpool-II 3.5"),
                DeprecatedName.removed("replication_timeout", "removed in pgpool-II 3.0"),
                DeprecatedName.removed("pcp_timeout", "removed in pgpool-II 3.5"),
                DeprecatedName.removed("health_check_test", "a pgpool-II developer switch"));
    }
}
