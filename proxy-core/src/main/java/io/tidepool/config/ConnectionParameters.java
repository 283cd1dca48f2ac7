package io.tidepool.config;

import static io.tidepool.config.Parameter.bool;
import static io.tidepool.config.Parameter.choice;
import static io.tidepool.config.Parameter.integer;
import static io.tidepool.config.Parameter.list;
import static io.tidepool.config.Parameter.octal;
import static io.tidepool.config.Parameter.quantity;
import static io.tidepool.config.Parameter.string;
import static io.tidepool.config.ParameterContext.RELOAD;
import static io.tidepool.config.ParameterContext.RESTART;

import java.util.List;

/** Clustering mode, listeners, authentication and SSL. */
final class ConnectionParameters {

    static final long INT_MAX = Integer.MAX_VALUE;

    private ConnectionParameters() {
    }

    static List<Parameter.Builder> clustering() {
        return List.of(
                choice("backend_clustering_mode", "streaming_replication", RESTART,
                        "how the backends keep their data in step; decides routing and failover",
                        "streaming_replication", "native_replication", "logical_replication", "raw",
                        "snapshot_isolation"));
    }

    static List<Parameter.Builder> connections() {
        return List.of(
                list("listen_addresses", "localhost", ',', RESTART,
                        "addresses to accept client connections on; '*' for all, '' for none"),
                integer("port", 9999, 0, 65535, RESTART,
                        "TCP port for client connections (0 lets the system pick a free port)"),
                list("unix_socket_directories", "/tmp", ',', RESTART,
                        "directories that get a Unix socket for client connections; '' for none"),
                string("unix_socket_group", "", RESTART, "group that owns the Unix sockets; '' keeps the default"),
                octal("unix_socket_permissions", "0777", RESTART,
                        "access mode of the Unix sockets, in octal (e.g. 0770)"),
                list("pcp_listen_addresses", "localhost", ',', RESTART,
                        "addresses the PCP administration port listens on; '*' for all"),
                integer("pcp_port", 9898, 0, 65535, RESTART,
                        "TCP port of the PCP administration protocol (0 picks a free port)"),
                list("pcp_socket_dir", "/tmp", ',', RESTART, "directories that get a Unix socket for PCP"),
                integer("listen_backlog_multiplier", 2, 1, INT_MAX, RESTART,
                        "accept queue length, as a multiple of num_init_children"),
                bool("serialize_accept", "off", RESTART,
                        "let only one worker at a time accept new connections"),
                integer("reserved_connections", 0, 0, INT_MAX, RESTART,
                        "refuse new clients once only this many session slots are left"));
    }

    static List<Parameter.Builder> authentication() {
        return List.of(
                bool("enable_pool_hba", "off", RELOAD, "check clients against pool_hba.conf"),
                string("pool_passwd", "pool_passwd", RESTART,
                        "password file for client and backend logins; '' to use none").secret(),
                quantity("authentication_timeout", "1min", ValueUnit.SECONDS, 0, INT_MAX, RESTART,
                        "time a client has to finish logging in; 0 waits forever"),
                bool("allow_clear_text_frontend_auth", "off", RELOAD,
                        "ask clients for a clear-text password when pool_passwd lacks theirs"));
    }

    static List<Parameter.Builder> ssl() {
        return List.of(
                bool("ssl", "off", RESTART, "accept SSL from clients and use it towards backends"),
                string("ssl_key", "", RESTART, "file with the private key of the server certificate"),
                string("ssl_cert", "", RESTART, "file with the server certificate"),
                string("ssl_ca_cert", "", RESTART, "PEM file with trusted CA certificates"),
                string("ssl_ca_cert_dir", "", RESTART, "directory of trusted CA certificates"),
                string("ssl_crl_file", "", RESTART, "file with revoked client certificates"),
                string("ssl_ciphers", "HIGH:MEDIUM:+3DES:!aNULL", RESTART, "OpenSSL cipher list to allow"),
                bool("ssl_prefer_server_ciphers", "off", RESTART,
                        "let the server's cipher order win over the client's"),
                string("ssl_ecdh_curve", "prime256v1", RESTART, "elliptic curve for ECDH key exchange"),
                string("ssl_dh_params_file", "", RESTART, "file with Diffie-Hellman parameters"),
                string("ssl_passphrase_command", "", RESTART,
                        "command that prints the pass phrase of an encrypted key file"));
    }
}
