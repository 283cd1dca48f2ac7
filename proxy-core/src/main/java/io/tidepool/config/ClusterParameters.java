package io.tidepool.config;

import static io.tidepool.config.ConnectionParameters.INT_MAX;
import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.SESSION;

import java.util.List;

/**
 * Health check, failover and online recovery. The health check parameters take a node index for a
 * per-node value ({@code health_check_period1}) and fall back to the plain name.
 */
final class ClusterParameters {

    private ClusterParameters() {
    }

    static List<Parameter.Builder> healthCheck() {
        int nodes = BackendParameters.MAX_BACKENDS;
        return List.of(
                quantity("health_check_period", "0", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "interval between health checks of a node; 0 turns them off")
                        .indexedWithDefault(nodes),
                quantity("health_check_timeout", "20", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "give up a health check after this long; 0 waits forever").indexedWithDefault(nodes),
                string("health_check_user", "", RELOAD, "user the health check logs in as")
                        .indexedWithDefault(nodes),
                string("health_check_password", "", RELOAD,
                        "password of health_check_user; '' looks it up in pool_passwd")
                        .secret().indexedWithDefault(nodes),
                string("health_check_database", "", RELOAD,
                        "database of the health check; '' tries postgres, then template1")
                        .indexedWithDefault(nodes),
                integer("health_check_max_retries", 0, 0, INT_MAX, RELOAD,
                        "failed checks retried before the node is declared down").indexedWithDefault(nodes),
                quantity("health_check_retry_delay", "1", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "pause between health check retries").indexedWithDefault(nodes),
                quantity("connect_timeout", "10000", ValueUnit.MILLISECONDS, 0, INT_MAX, RELOAD,
                        "give up connecting to a backend after this long; 0 waits forever")
                        .indexedWithDefault(nodes));
    }

    static List<Parameter.Builder> failover() {
        return List.of(
                string("failover_command", "", RELOAD,
                        "command run when a node is detached; %d, %h, %p, %m ... name the nodes"),
                string("failback_command", "", RELOAD, "command run when a node is attached again"),
                string("follow_primary_command", "", RELOAD,
                        "command run for each standby after a new primary was promoted"),
                bool("failover_on_backend_error", "on", RELOAD,
                        "detach a node when reading from or writing to it fails"),
                bool("failover_on_backend_shutdown", "off", RELOAD,
                        "detach a node when it reports that it is shutting down"),
                bool("detach_false_primary", "off", RELOAD,
                        "detach a node that claims to be primary but is not the real one"),
                quantity("search_primary_node_timeout", "5min", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "how long to look for the new primary after failover; 0 forever"),
                bool("auto_failback", "off", RELOAD,
                        "attach a detached standby again once it streams from the primary"),
                quantity("auto_failback_interval", "1min", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "shortest interval between two automatic failbacks of a node"));
    }

    static List<Parameter.Builder> recovery() {
        return List.of(
                string("recovery_user", "", RELOAD, "user that runs the online recovery functions"),
                string("recovery_password", "", RELOAD,
                        "password of recovery_user; '' looks it up in pool_passwd").secret(),
                string("recovery_database", "postgres", RELOAD, "database the online recovery connects to"),
                string("recovery_1st_stage_command", "", RELOAD,
                        "script run on the primary to copy data to the recovering node"),
                string("recovery_2nd_stage_command", "", RELOAD,
                        "script run with clients paused (native replication only)"),
                quantity("recovery_timeout", "90", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "how long to wait for the recovered node to start; 0 no wait"),
                quantity("client_idle_limit_in_recovery", "0", ValueUnit.SECONDS, -1, INT_MAX, SESSION,
                        "disconnect idle clients during the 2nd stage; 0 never, -1 at once"));
    }
}
