package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Invariants of the catalog that the parser, reports and the console rely on. */
class ParameterCatalogTest {

    private final ParameterCatalog catalog = ParameterCatalog.standard();

    /** pgpool-II parameters that SHOW pool_status does not print (spec Appendix A leaves them out). */
    private static final Set<String> NOT_IN_POOL_STATUS = Set.of(
            "backend_hostname", "backend_port", "backend_weight", "backend_data_directory", "backend_flag",
            "backend_application_name", "hostname", "pgpool_port", "wd_port", "heartbeat_hostname",
            "heartbeat_port", "heartbeat_device", "recovery_password", "logging_collector", "log_directory",
            "log_filename", "log_file_mode", "log_truncate_on_rotation", "log_rotation_age", "log_rotation_size",
            "wd_authkey", "failover_when_quorum_exists", "failover_require_consensus",
            "allow_multiple_failover_requests_from_node", "enable_consensus_with_half_votes",
            "wd_remove_shutdown_nodes", "wd_lost_node_removal_timeout", "wd_no_show_node_removal_timeout");

    private List<String> names(java.util.function.Predicate<Parameter> filter) {
        return catalog.all().stream().filter(filter).map(Parameter::name).toList();
    }

    @Test
    void holdsPgpool47NamesAndNoRetiredOnes() {
        assertThat(names(p -> !p.isTidepoolOnly())).hasSize(177).contains(
                "backend_clustering_mode", "follow_primary_command", "failover_on_backend_shutdown",
                "log_backend_messages", "delay_threshold_by_time", "process_management_mode",
                "process_management_strategy", "work_dir", "recovery_database", "log_pcp_processes",
                "notice_per_node_statement", "user_redirect_preference_list", "unix_socket_directories",
                "statement_level_load_balance", "dml_adaptive_object_relationship_list")
                .doesNotContain("logdir", "socket_dir", "master_slave_mode", "replication_mode",
                        "follow_master_command", "white_function_list", "delegate_IP");
        assertThat(catalog.get("backend_clustering_mode").visibleOptionNames()).doesNotContain("slony");
    }

    @Test
    void tidepoolOnlySettingsAreMarkedAndGrouped() {
        assertThat(names(Parameter::isTidepoolOnly))
                .containsExactly("pcp_client_version", "builtin_failover", "worker_threads", "io_transport",
                        "ssh_host", "ssh_port", "ssh_user", "ssh_identity_file", "ssh_identity_passphrase", "ssh_password",
                        "ssh_sudo_user", "ssh_known_hosts_file", "ssh_connect_timeout", "pg_bin_dir", "recovery_method",
                        "recovery_replication_user", "recovery_replication_password", "recovery_replication_slot",
                        "recovery_basebackup_options");
        assertThat(catalog.group(ParameterGroup.TIDEPOOL)).allMatch(Parameter::isTidepoolOnly);
        assertThat(catalog.get("pcp_client_version").defaultText()).isEqualTo("auto");
    }

    @Test
    void sessionParametersAreExactlyThoseThatPgpoolSetAccepts() {
        assertThat(names(p -> p.context() == ParameterContext.SESSION)).containsExactlyInAnyOrder(
                "log_statement", "log_per_node_statement", "notice_per_node_statement", "log_client_messages",
                "check_unlogged_table", "allow_sql_comments", "client_idle_limit", "client_idle_limit_in_recovery",
                "log_error_verbosity", "client_min_messages", "log_min_messages", "log_backend_messages");
    }

    @Test
    void passwordsAreSecret() {
        assertThat(names(Parameter::isSecret)).contains("pool_passwd", "sr_check_password", "recovery_password",
                "wd_lifecheck_password", "health_check_password");
    }

    @Test
    void indexedParametersAreThePerNodeBlocks() {
        assertThat(names(p -> p.indexing() == Parameter.Indexing.REQUIRED)).containsExactlyInAnyOrder(
                "backend_hostname", "backend_port", "backend_weight", "backend_data_directory", "backend_flag",
                "backend_application_name", "hostname", "pgpool_port", "wd_port", "heartbeat_hostname",
                "heartbeat_port", "heartbeat_device");
        assertThat(names(p -> p.indexing() == Parameter.Indexing.OPTIONAL)).containsExactlyInAnyOrder(
                "health_check_period", "health_check_timeout", "health_check_user", "health_check_password",
                "health_check_database", "health_check_max_retries", "health_check_retry_delay", "connect_timeout",
                "ssh_host", "ssh_port", "ssh_user", "ssh_identity_file", "ssh_identity_passphrase", "ssh_password",
                "ssh_sudo_user", "pg_bin_dir");
    }

    @Test
    void everyPgpoolParameterIsEitherInPoolStatusOrKnownNotToBe() {
        Set<String> reported = PoolStatusLayout.ROWS.stream().filter(r -> !r.startsWith("@")).collect(Collectors.toSet());
        for (Parameter p : catalog.all()) {
            if (!p.isTidepoolOnly()) {
                assertThat(reported.contains(p.name()) || NOT_IN_POOL_STATUS.contains(p.name()))
                        .as(p.name() + " must be placed in PoolStatusLayout or listed as not reported").isTrue();
            }
        }
        assertThat(reported).allSatisfy(name -> assertThat(catalog.find(name)).as(name).isPresent());
    }

    @Test
    void descriptionsAreShortLowerCaseSingleLines() {
        for (Parameter p : catalog.all()) {
            assertThat(p.description()).as(p.name()).doesNotContain("\n").doesNotEndWith(".");
            assertThat(p.description().getBytes(StandardCharsets.UTF_8).length).as(p.name()).isLessThanOrEqualTo(79);
            assertThat(Character.isUpperCase(p.description().charAt(0)) && !p.description().startsWith("ALLOW")
                    && !p.description().startsWith("TCP") && !p.description().startsWith("PEM")
                    && !p.description().startsWith("OpenSSL") && !p.description().startsWith("UDP"))
                    .as(p.name() + " starts lower-case").isFalse();
        }
    }

    @Test
    void defaultsAreValidValuesOfTheirParameter() {
        for (Parameter p : catalog.all()) {
            assertThat(ValueParser.parse(p, p.defaultText())).as(p.name()).isInstanceOf(ValueParser.Ok.class);
            assertThat(ValueParser.parse(p, p.exampleText())).as(p.name() + " example")
                    .isInstanceOf(ValueParser.Ok.class);
        }
    }

    @Test
    void deprecatedNamesDoNotShadowCurrentOnesAndPointAtThem() {
        for (DeprecatedName d : catalog.deprecatedNames()) {
            if (!d.name().equals("wd_port")) {
                assertThat(catalog.find(d.name())).as(d.name()).isEmpty();
            }
            if (d.carriedOver()) {
                assertThat(catalog.find(d.replacement().orElseThrow())).as(d.name()).isPresent();
            }
        }
    }

    @Test
    void namesResolveWithTheirIndex() {
        assertThat(catalog.resolve("backend_port12")).isEqualTo(
                new ParameterCatalog.Known(catalog.get("backend_port"), 12));
        assertThat(catalog.resolve("health_check_period")).isEqualTo(
                new ParameterCatalog.Known(catalog.get("health_check_period"), -1));
        assertThat(catalog.resolve("heartbeat_port255")).isInstanceOf(ParameterCatalog.Known.class);
        assertThat(catalog.resolve("heartbeat_port256")).isInstanceOf(ParameterCatalog.IndexOutOfRange.class);
        assertThat(catalog.resolve("wd_port")).isInstanceOf(ParameterCatalog.Deprecated.class);
        assertThat(catalog.resolve("port0")).isInstanceOf(ParameterCatalog.Unknown.class);
    }

    @Test
    void suggestionsCatchTyposButNotUnrelatedWords() {
        assertThat(catalog.suggest("num_init_childern")).contains("num_init_children");
        assertThat(catalog.suggest("heartbeat_prot3")).contains("heartbeat_port3");
        assertThat(catalog.suggest("LISTEN_ADDRESSES")).contains("listen_addresses");
        assertThat(catalog.suggest("completely_unrelated")).isEmpty();
    }

    @Test
    void unitValuesPrintWithTheLargestEvenUnit() {
        assertThat(ValueUnit.SECONDS.format(300)).isEqualTo("5min");
        assertThat(ValueUnit.SECONDS.format(86400)).isEqualTo("1d");
        assertThat(ValueUnit.SECONDS.format(61)).isEqualTo("61s");
        assertThat(ValueUnit.SECONDS.format(0)).isEqualTo("0");
        assertThat(ValueUnit.MILLISECONDS.format(1500)).isEqualTo("1500ms");
        assertThat(ValueUnit.KILOBYTES.format(10240)).isEqualTo("10MB");
        assertThat(ValueUnit.BYTES.format(409600)).isEqualTo("400kB");
        assertThat(ValueUnit.MINUTES.format(1440)).isEqualTo("1d");
    }
}
