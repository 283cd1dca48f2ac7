package io.tidepool.config;

import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;

import java.util.List;

/**
 * Settings of Tidepool that pgpool-II does not have. They are read from {@code tidepool.conf} next to
 * pgpool.conf (same syntax), so that pgpool.conf stays usable by pgpool-II. A new setting is one
 * more line here.
 */
final class TidepoolParameters {

    private static final int NODES = BackendParameters.MAX_BACKENDS;

    private TidepoolParameters() {
    }

    static List<Parameter.Builder> tidepool() {
        return List.of(
                choice("pcp_client_version", "auto", RELOAD,
                        "release of the pcp_* tools that connect (layouts differ); auto = those here",
                        "auto", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"),
                bool("builtin_failover", "off", RELOAD,
                        "promote and re-point standbys over SQL when no failover_command is set"),
                integer("worker_threads", 0, 0, 256, RESTART,
                        "event-loop threads serving client sessions; 0 = one per CPU core"),
                choice("io_transport", "auto", RESTART,
                        "event-loop I/O interface; auto = epoll (io_uring: faster, experimental)",
                        "auto", "io_uring", "epoll", "nio"),
                // SSH to the backends' hosts (online recovery): plain name = every node, with N = node N.
                string("ssh_host", "", RELOAD, "host of the SSH server on the node's machine; '' = backend_hostnameN").indexedWithDefault(NODES),
                integer("ssh_port", 22, 1, 65535, RELOAD, "port of that SSH server").indexedWithDefault(NODES),
                string("ssh_user", "postgres", RELOAD, "login for SSH: the OS user PostgreSQL runs as").indexedWithDefault(NODES),
                string("ssh_identity_file", "", RELOAD,
                        "private key file; '' = ~/.ssh/id_ed25519 and ~/.ssh/id_rsa that exist").indexedWithDefault(NODES),
                string("ssh_identity_passphrase", "", RELOAD, "passphrase of an encrypted identity file").secret()
                        .indexedWithDefault(NODES),
                string("ssh_password", "", RELOAD, "password for SSH, tried after the keys; '' = keys only").secret()
                        .indexedWithDefault(NODES),
                string("ssh_sudo_user", "", RELOAD,
                        "run remote commands as this user through 'sudo -n -u'; '' = as ssh_user").indexedWithDefault(NODES),
                string("ssh_known_hosts_file", "", RELOAD,
                        "known_hosts file host keys are checked against; '' = ~/.ssh/known_hosts"),
                quantity("ssh_connect_timeout", "10", ValueUnit.SECONDS, 1, 3600, RELOAD,
                        "limit on connecting and logging in over SSH"),
                string("pg_bin_dir", "", RELOAD,
                        "directory of the PostgreSQL programs on the node's host; '' = the primary's").indexedWithDefault(NODES),
                choice("recovery_method", "auto", RELOAD,
                        "pg_rewind when possible, else pg_basebackup (auto); or only one of them",
                        "auto", "rewind", "basebackup"),
                string("recovery_replication_user", "", RELOAD,
                        "role a recovered standby streams as; '' = recovery_user"),
                string("recovery_replication_password", "", RELOAD,
                        "its password; '' = recovery_password").secret(),
                bool("recovery_replication_slot", "off", RELOAD,
                        "give a recovered standby a physical replication slot on the primary"),
                string("recovery_basebackup_options", "", RELOAD,
                        "extra pg_basebackup options of the built-in recovery, e.g. --max-rate=50M"));
    }
}
