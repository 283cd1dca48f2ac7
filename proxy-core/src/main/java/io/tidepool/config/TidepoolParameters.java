package io.tidepool.config;

import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;

import java.util.List;

/**
 * Settings of Tidepool that pgpool-II does not have. They are read from {@code tidepool.conf} next to
 * pgpool.conf (same syntax), so that pgpool.conf stays usable by pgpool-II. A new setting is one
 * more line here.
 */
final class TidepoolParameters {

    private TidepoolParameters() {
    }

    static List<Parameter.Builder> tidepool() {
        return List.of(
                choice("pcp_client_version", "4.7", RELOAD,
                        "release of the pgpool-II pcp_* tools that connect; their PCP layouts differ",
                        "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"),
                bool("builtin_failover", "off", RELOAD,
                        "promote and re-point standbys over SQL when no failover_command is set"),
                choice("pool_mode", "session", RESTART,
                        "session: a client keeps its backend connection; transaction: per transaction",
                        "session", "transaction"),
                integer("admin_api_port", 0, 0, 65535, RESTART, "port of the JSON admin API and metrics; 0 turns it off"));
    }
}
