package io.tidepool.config;

import static io.tidepool.config.ConnectionParameters.INT_MAX;
import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.list;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;
import static io.tidepool.config.ParameterContext.SESSION;

import java.util.List;

/** Session slots, their life times and the backend connection cache. */
final class PoolParameters {

    private PoolParameters() {
    }

    static List<Parameter.Builder> pools() {
        return List.of(
                choice("process_management_mode", "static", RELOAD,
                        "static: all session slots exist from the start; dynamic: grow on demand",
                        "static", "dynamic"),
                choice("process_management_strategy", "gentle", RELOAD,
                        "how quickly idle slots are retired in dynamic mode",
                        "aggressive", "gentle", "lazy"),
                integer("num_init_children", 32, 1, INT_MAX, RESTART,
                        "number of client sessions served at the same time"),
                integer("min_spare_children", 5, 1, INT_MAX, RELOAD,
                        "dynamic mode: fewest idle session slots kept ready"),
                integer("max_spare_children", 10, 1, INT_MAX, RELOAD,
                        "dynamic mode: most idle session slots kept ready"),
                integer("max_pool", 4, 0, INT_MAX, RESTART,
                        "cached backend connections per session slot (user/database pairs)"),
                quantity("child_life_time", "5min", ValueUnit.SECONDS, 0, INT_MAX, RESTART,
                        "retire an idle session slot after this long; 0 never"),
                integer("child_max_connections", 0, 0, INT_MAX, RESTART,
                        "retire a session slot after serving this many clients; 0 never"),
                quantity("connection_life_time", "0", ValueUnit.SECONDS, 0, INT_MAX, RESTART,
                        "close a cached backend connection idle this long; 0 never"),
                quantity("client_idle_limit", "0", ValueUnit.SECONDS, 0, INT_MAX, SESSION,
                        "disconnect a client idle this long, even inside a transaction; 0 never"));
    }

    static List<Parameter.Builder> connectionPooling() {
        return List.of(
                bool("connection_cache", "on", RESTART, "keep backend connections open for the next client"),
                list("reset_query_list", "ABORT; DISCARD ALL", ';', RELOAD,
                        "statements that clean a backend connection before it is reused"));
    }
}
