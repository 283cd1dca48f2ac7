package io.tidepool.config;

import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.real;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;

import java.util.List;
import java.util.Optional;

/** The {@code backend_*N} block: one PostgreSQL server per index. */
final class BackendParameters {

    /** pgpool-II's MAX_NUM_BACKENDS: node ids run 0..127. */
    static final int MAX_BACKENDS = 128;

    private BackendParameters() {
    }

    static List<Parameter.Builder> backends() {
        return List.of(
                string("backend_hostname", "", RELOAD,
                        "host name or address of the node; a directory means a Unix socket")
                        .indexed(MAX_BACKENDS).example("localhost"),
                integer("backend_port", 5432, 1, 65535, RELOAD, "port of the node").indexed(MAX_BACKENDS),
                real("backend_weight", "1", 0, 100_000_000, RELOAD,
                        "share of load-balanced reads, relative to the other nodes").indexed(MAX_BACKENDS),
                string("backend_data_directory", "", RELOAD,
                        "data directory of the node, for recovery scripts").indexed(MAX_BACKENDS)
                        .example("/var/lib/postgresql/data"),
                string("backend_flag", "ALLOW_TO_FAILOVER", RELOAD,
                        "ALLOW_TO_FAILOVER or DISALLOW_TO_FAILOVER, optionally |ALWAYS_PRIMARY")
                        .indexed(MAX_BACKENDS).check(BackendParameters::checkFlag),
                string("backend_application_name", "", RELOAD,
                        "application_name the node's walsender reports, for replication state")
                        .indexed(MAX_BACKENDS).example("server0"));
    }

    private static Optional<String> checkFlag(Object value) {
        try {
            BackendFlag.parse((String) value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
