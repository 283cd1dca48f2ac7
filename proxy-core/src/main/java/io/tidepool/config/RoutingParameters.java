package io.tidepool.config;

import static io.tidepool.config.ConnectionParameters.INT_MAX;
import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.list;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;
import static io.tidepool.config.ParameterContext.SESSION;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Native replication, load balancing and statement routing, streaming replication checks. */
final class RoutingParameters {

    /** A redirect target: {@code primary}, {@code standby} or a node id, optionally with a weight. */
    private static final Pattern REDIRECT_TARGET =
            Pattern.compile("(?i)(primary|standby|\\d+)(\\(\\s*[0-9]*\\.?[0-9]+\\s*\\))?");

    private RoutingParameters() {
    }

    static List<Parameter.Builder> replication() {
        return List.of(
                bool("replicate_select", "off", RELOAD, "native replication: send SELECTs to every node"),
                bool("insert_lock", "on", RELOAD, "native replication: lock the table around INSERTs for SERIAL"),
                string("lobj_lock_table", "", RELOAD,
                        "native replication: table locked while large objects are created"),
                bool("replication_stop_on_mismatch", "off", RELOAD,
                        "detach the minority node when nodes answer with different messages"),
                bool("failover_if_affected_tuples_mismatch", "off", RELOAD,
                        "detach the minority node when nodes change different row counts"));
    }

    static List<Parameter.Builder> loadBalancing() {
        return List.of(
                bool("load_balance_mode", "on", RESTART, "spread read-only queries over the nodes"),
                bool("ignore_leading_white_space", "on", RELOAD,
                        "skip leading blanks when classifying a statement"),
                list("read_only_function_list", "", ',', RELOAD,
                        "functions (regular expressions) known not to write"),
                list("write_function_list", "", ',', RELOAD,
                        "functions (regular expressions) that write; they go to the primary"),
                list("primary_routing_query_pattern_list", "", ';', RELOAD,
                        "statements (regular expressions) always sent to the primary"),
                redirect("user_redirect_preference_list", "user name"),
                redirect("database_redirect_preference_list", "database"),
                redirect("app_name_redirect_preference_list", "application name"),
                bool("allow_sql_comments", "off", SESSION,
                        "ignore SQL comments when deciding on load balancing and caching"),
                choice("disable_load_balance_on_write", "transaction", RELOAD,
                        "which reads stop being balanced after a write",
                        "off", "transaction", "trans_transaction", "always", "dml_adaptive"),
                string("dml_adaptive_object_relationship_list", "", RELOAD,
                        "object:dependent pairs for dml_adaptive, e.g. 'orders:order_totals'"),
                bool("statement_level_load_balance", "off", RELOAD,
                        "choose the load balancing node per statement instead of per session"));
    }

    static List<Parameter.Builder> streamingReplication() {
        return List.of(
                quantity("sr_check_period", "10", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "interval of the replication delay check; 0 turns it off"),
                string("sr_check_user", "", RELOAD, "user for the replication delay check"),
                string("sr_check_password", "", RELOAD,
                        "password of sr_check_user; '' looks it up in pool_passwd").secret(),
                string("sr_check_database", "postgres", RELOAD, "database for the replication delay check"),
                quantity("delay_threshold", "0", ValueUnit.BYTES, 0, Long.MAX_VALUE, RELOAD,
                        "stop balancing to a standby lagging more WAL than this; 0 off"),
                quantity("delay_threshold_by_time", "0", ValueUnit.MILLISECONDS, 0, INT_MAX, RELOAD,
                        "stop balancing to a standby lagging longer than this; 0 off"),
                bool("prefer_lower_delay_standby", "off", RELOAD,
                        "when the chosen standby lags, use the least lagging one instead"));
    }

    private static Parameter.Builder redirect(String name, String what) {
        return string(name, "", RELOAD, "regex:node pairs routing by " + what + " (node: primary, standby or id)")
                .check(RoutingParameters::checkRedirectList);
    }

    private static Optional<String> checkRedirectList(Object value) {
        String text = ((String) value).trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : text.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon <= 0 || !REDIRECT_TARGET.matcher(pair.substring(colon + 1).trim()).matches()) {
                return Optional.of("entry '" + pair.trim() + "' is not pattern:primary, pattern:standby or "
                        + "pattern:node-id");
            }
        }
        return Optional.empty();
    }
}
