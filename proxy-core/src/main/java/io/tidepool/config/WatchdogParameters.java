package io.tidepool.config;

import static io.tidepool.config.ConnectionParameters.INT_MAX;
import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.list;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;

import java.util.List;

/**
 * Several proxies watching each other, electing a leader and moving a virtual IP. Watchdog nodes
 * ({@code hostnameN}, {@code pgpool_portN}, {@code wd_portN}) are numbered like the pgpool_node_id
 * file next to pgpool.conf; a slot is in use when its pgpool_port is not 0.
 */
final class WatchdogParameters {

    /** pgpool-II's MAX_WATCHDOG_NUM. */
    static final int MAX_WATCHDOG_NODES = 128;
    /** pgpool-II's WD_MAX_IF_NUM. */
    static final int MAX_HEARTBEAT_DESTINATIONS = 256;

    private WatchdogParameters() {
    }

    static List<Parameter.Builder> watchdog() {
        return List.of(
                bool("use_watchdog", "off", RESTART, "run the watchdog with the other proxies listed below"),
                string("trusted_servers", "", RESTART,
                        "comma-separated hosts that prove this proxy's network is up"),
                string("trusted_server_command", "ping -q -c3 %h", RELOAD,
                        "command that checks one trusted server (%h is its name)"),
                string("hostname", "", RELOAD, "host name or address of watchdog node N")
                        .indexed(MAX_WATCHDOG_NODES).example("host1"),
                integer("pgpool_port", 0, 0, 65535, RELOAD, "client port of watchdog node N; 0 leaves the slot unused")
                        .indexed(MAX_WATCHDOG_NODES).example("9999"),
                integer("wd_port", 0, 0, 65535, RELOAD, "watchdog port of watchdog node N")
                        .indexed(MAX_WATCHDOG_NODES).example("9000"),
                integer("wd_priority", 1, 0, INT_MAX, RESTART, "higher wins the leader election"),
                string("wd_authkey", "", RELOAD, "shared key that signs watchdog messages").secret(),
                string("wd_ipc_socket_dir", "/tmp", RESTART, "directory of the watchdog's local socket"),
                string("delegate_ip", "", RESTART, "virtual IP the leader holds; '' for none"),
                string("if_cmd_path", "/sbin", RESTART, "directory of if_up_cmd and if_down_cmd"),
                string("if_up_cmd", "/usr/bin/sudo /sbin/ip addr add $_IP_$/24 dev eth0 label eth0:0", RESTART,
                        "command that adds the virtual IP ($_IP_$) to an interface"),
                string("if_down_cmd", "/usr/bin/sudo /sbin/ip addr del $_IP_$/24 dev eth0", RESTART,
                        "command that removes the virtual IP"),
                string("arping_path", "/usr/sbin", RESTART, "directory of arping_cmd"),
                string("arping_cmd", "/usr/bin/sudo /usr/sbin/arping -U $_IP_$ -w 1 -I eth0", RESTART,
                        "command that announces the virtual IP to the network"),
                string("ping_path", "/bin", RESTART, "directory of the ping command"),
                bool("clear_memqcache_on_escalation", "on", RELOAD,
                        "empty the shared query cache when this proxy becomes leader"),
                string("wd_escalation_command", "", RELOAD, "command run when this proxy becomes leader"),
                string("wd_de_escalation_command", "", RELOAD, "command run when this proxy stops being leader"),
                bool("failover_when_quorum_exists", "on", RESTART,
                        "fail a node over only while the watchdog cluster has quorum"),
                bool("failover_require_consensus", "on", RESTART,
                        "fail a node over only when most proxies see it down"),
                bool("allow_multiple_failover_requests_from_node", "off", RESTART,
                        "let one proxy vote more than once for the same failover"),
                bool("enable_consensus_with_half_votes", "off", RESTART,
                        "with an even number of proxies, half the votes are enough"),
                bool("wd_remove_shutdown_nodes", "off", RELOAD,
                        "stop counting proxies that were shut down cleanly"),
                quantity("wd_lost_node_removal_timeout", "0", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "stop counting a lost proxy after this long; 0 never"),
                quantity("wd_no_show_node_removal_timeout", "0", ValueUnit.SECONDS, 0, INT_MAX, RELOAD,
                        "stop counting a proxy that never joined after this long; 0 never"));
    }

    static List<Parameter.Builder> lifecheck() {
        return List.of(
                list("wd_monitoring_interfaces_list", "", ',', RESTART,
                        "network interfaces whose link state is watched; 'any' for all"),
                choice("wd_lifecheck_method", "heartbeat", RESTART,
                        "how proxies check each other: query, heartbeat or external",
                        "query", "heartbeat", "external"),
                quantity("wd_interval", "10", ValueUnit.SECONDS, 0, INT_MAX, RESTART,
                        "interval between life checks"),
                string("heartbeat_hostname", "", RELOAD, "address heartbeats are sent to or received on")
                        .indexed(MAX_HEARTBEAT_DESTINATIONS).example("host1"),
                integer("heartbeat_port", 0, 0, 65535, RELOAD, "UDP port of the heartbeat; 0 leaves the slot unused")
                        .indexed(MAX_HEARTBEAT_DESTINATIONS).example("9694"),
                string("heartbeat_device", "", RELOAD, "network interface for the heartbeat (needs root)")
                        .indexed(MAX_HEARTBEAT_DESTINATIONS),
                quantity("wd_heartbeat_keepalive", "2", ValueUnit.SECONDS, 1, INT_MAX, RESTART,
                        "interval between heartbeats"),
                quantity("wd_heartbeat_deadtime", "30", ValueUnit.SECONDS, 1, INT_MAX, RESTART,
                        "declare a proxy lost after no heartbeat for this long"),
                integer("wd_life_point", 3, 0, INT_MAX, RESTART, "query life check: retries before a proxy is lost"),
                string("wd_lifecheck_query", "SELECT 1", RESTART, "query life check: statement sent"),
                string("wd_lifecheck_dbname", "template1", RELOAD, "query life check: database"),
                string("wd_lifecheck_user", "", RELOAD, "query life check: user"),
                string("wd_lifecheck_password", "", RELOAD,
                        "query life check: password; '' looks it up in pool_passwd").secret());
    }
}
