package io.tidepool.config;

import static io.tidepool.config.ConnectionParameters.INT_MAX;
import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.enumeration;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.list;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;
import static io.tidepool.config.ParameterContext.SESSION;

import java.util.List;

/** The relation cache (catalog look-ups) and the in-memory query cache. */
final class CacheParameters {

    private CacheParameters() {
    }

    static List<Parameter.Builder> relationCache() {
        return List.of(
                quantity("relcache_expire", "0", ValueUnit.SECONDS, 0, Long.MAX_VALUE, RESTART,
                        "forget cached catalog look-ups after this long; 0 never"),
                integer("relcache_size", 256, 0, INT_MAX, RESTART, "number of catalog look-ups kept"),
                enumeration("check_temp_table", "catalog", RELOAD,
                        "how temporary tables are recognised: catalog, trace or none",
                        EnumOption.of("catalog", 1), EnumOption.of("trace", 2), EnumOption.of("none", 3),
                        EnumOption.hidden("on", 4), EnumOption.hidden("off", 5)),
                bool("check_unlogged_table", "on", SESSION, "look up whether a table is unlogged before balancing"),
                bool("enable_shared_relcache", "on", RESTART, "share catalog look-ups between sessions"),
                choice("relcache_query_target", "primary", RELOAD,
                        "node that answers catalog look-ups: primary or load_balance_node",
                        "primary", "load_balance_node"));
    }

    static List<Parameter.Builder> memoryCache() {
        return List.of(
                bool("memory_cache_enabled", "off", RESTART, "cache SELECT results in memory"),
                choice("memqcache_method", "shmem", RESTART, "where cached results live: shmem or memcached",
                        "shmem", "memcached"),
                string("memqcache_memcached_host", "localhost", RESTART, "memcached host"),
                integer("memqcache_memcached_port", 11211, 0, 65535, RESTART, "memcached port"),
                quantity("memqcache_total_size", "64MB", ValueUnit.BYTES, 0, Long.MAX_VALUE, RESTART,
                        "memory for cached results (shmem)"),
                integer("memqcache_max_num_cache", 1_000_000, 0, INT_MAX, RESTART, "most cached results kept"),
                quantity("memqcache_expire", "0", ValueUnit.SECONDS, 0, INT_MAX, RESTART,
                        "drop a cached result after this long; 0 keeps it until invalidated"),
                bool("memqcache_auto_cache_invalidation", "on", RELOAD,
                        "drop cached results of tables that are written to"),
                quantity("memqcache_maxcache", "400kB", ValueUnit.BYTES, 0, INT_MAX, RESTART,
                        "largest SELECT result that is cached"),
                quantity("memqcache_cache_block_size", "1MB", ValueUnit.BYTES, 512, INT_MAX, RESTART,
                        "size of one cache block (shmem)"),
                string("memqcache_oiddir", "/var/log/pgpool/oiddir", RESTART,
                        "directory that records which tables each cached result read"),
                list("cache_safe_memqcache_table_list", "", ',', RELOAD,
                        "tables (regular expressions) whose results may be cached"),
                list("cache_unsafe_memqcache_table_list", "", ',', RELOAD,
                        "tables (regular expressions) whose results are never cached"));
    }
}
