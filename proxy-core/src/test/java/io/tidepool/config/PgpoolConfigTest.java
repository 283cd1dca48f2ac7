package io.tidepool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, validating and reading a configuration; every error message is asserted exactly. */
class PgpoolConfigTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("pgpool.conf"), text);
    }

    private List<String> loadErrors(String text) throws IOException {
        Path file = write(text);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> PgpoolConfig.load(file));
        assertThat(e).as("loading should fail").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    private List<String> warnings(String text) throws Exception {
        return PgpoolConfig.load(write(text)).warnings().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void defaultsApplyToEverythingNotSet() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of());

        assertThat(config.getInt("port")).isEqualTo(9999);
        assertThat(config.getInt("pcp_port")).isEqualTo(9898);
        assertThat(config.getBoolean("load_balance_mode")).isTrue();
        assertThat(config.getList("listen_addresses")).containsExactly("localhost");
        assertThat(config.getList("reset_query_list")).containsExactly("ABORT", "DISCARD ALL");
        assertThat(config.getDuration("child_life_time")).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.getDuration("connect_timeout")).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.getString("backend_clustering_mode")).isEqualTo("streaming_replication");
        assertThat(config.getOption("backend_clustering_mode").code()).isEqualTo(1);
        assertThat(config.getString("work_dir")).isEqualTo("/tmp");
        assertThat(config.backends()).isEmpty();
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void fromMapAcceptsQuotedAndBareValues() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of(
                "backend_hostname0", "'127.0.0.1'",
                "backend_port0", "5433",
                "backend_hostname1", "127.0.0.2",
                "log_line_prefix", "'%t it''s '",
                "listen_addresses", "127.0.0.1, ::1"));

        assertThat(config.backends()).extracting(BackendDefinition::hostname).containsExactly("127.0.0.1", "127.0.0.2");
        assertThat(config.getString("log_line_prefix")).isEqualTo("%t it's ");
        assertThat(config.getList("listen_addresses")).containsExactly("127.0.0.1", "::1");
        assertThat(config.sourceFile()).isEmpty();
        assertThat(config.directory()).isEqualTo(Path.of("").toAbsolutePath());
    }

    @Test
    void fromMapErrorsNameTheMapAsTheirSource() {
        assertThatThrownBy(() -> PgpoolConfig.fromMap(Map.of("port", "abc")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("fromMap: invalid value 'abc' for port (expected an integer 0..65535)");
    }

    @Test
    void badValuesAreReportedAllAtOnceWithFileAndLine() throws IOException {
        assertThat(loadErrors("""
                port = abc
                pcp_port = 70000
                backend_clustering_mode = 'fast'
                log_connections = maybe
                child_life_time = 5 fortnights
                num_init_children = 10s
                backend_weight0 = -1
                backend_hostname0 = 'db'
                backend_flag0 = 'ALLOW_TO_FAILOVER|NEVER'
                log_destination = 'stderr,eventlog'
                unix_socket_permissions = 0999
                """)).containsExactly(
                "pgpool.conf:5: syntax error near 'fortnights' after the value of child_life_time"
                        + " (quote values that contain blanks)",
                "pgpool.conf:1: invalid value 'abc' for port (expected an integer 0..65535)",
                "pgpool.conf:2: invalid value '70000' for pcp_port (expected an integer 0..65535)",
                "pgpool.conf:3: invalid value 'fast' for backend_clustering_mode (expected one of:"
                        + " streaming_replication, native_replication, logical_replication, raw, snapshot_isolation)",
                "pgpool.conf:4: invalid value 'maybe' for log_connections"
                        + " (expected a boolean: on, off, true, false, yes, no, 1 or 0)",
                "pgpool.conf:6: invalid value '10s' for num_init_children"
                        + " (this parameter takes no unit; expected an integer 1..2147483647)",
                "pgpool.conf:7: invalid value '-1' for backend_weight0 (expected a number 0..100000000)",
                "pgpool.conf:9: invalid value 'ALLOW_TO_FAILOVER|NEVER' for backend_flag0 (unknown flag 'NEVER';"
                        + " use ALLOW_TO_FAILOVER, DISALLOW_TO_FAILOVER and ALWAYS_PRIMARY)",
                "pgpool.conf:10: invalid value 'stderr,eventlog' for log_destination"
                        + " (unknown destination 'eventlog'; use stderr, syslog or both)",
                "pgpool.conf:11: invalid value '0999' for unix_socket_permissions (expected an integer 0..511)");
    }

    @Test
    void unitErrorsNameTheBaseUnitAndTheAcceptedSuffixes() throws IOException {
        assertThat(loadErrors("child_life_time = 5weeks\nmemqcache_total_size = 64XB\n")).containsExactly(
                "pgpool.conf:1: invalid value '5weeks' for child_life_time"
                        + " (expected an integer 0..2147483647 in seconds; units us, ms, s, min, h, d)",
                "pgpool.conf:2: invalid value '64XB' for memqcache_total_size"
                        + " (expected an integer 0..9223372036854775807 of bytes; units B, kB, MB, GB, TB)");
    }

    @Test
    void outOfRangeAfterUnitConversionIsAnError() throws IOException {
        assertThat(loadErrors("authentication_timeout = 100000d\n")).containsExactly(
                "pgpool.conf:1: invalid value '100000d' for authentication_timeout"
                        + " (expected an integer 0..2147483647 in seconds; units us, ms, s, min, h, d)");
    }

    @Test
    void unitsConvertToTheBaseUnitOfTheParameter() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("""
                child_life_time = 2h
                connect_timeout = 3s
                health_check_period = 1500ms
                log_rotation_age = 2d
                log_rotation_size = 1GB
                memqcache_maxcache = 8kB
                delay_threshold = 16MB
                """));

        assertThat(config.getInt("child_life_time")).isEqualTo(7200);
        assertThat(config.getInt("connect_timeout")).isEqualTo(3000);
        assertThat(config.getInt("health_check_period")).isEqualTo(2);
        assertThat(config.getInt("log_rotation_age")).isEqualTo(2880);
        assertThat(config.getInt("log_rotation_size")).isEqualTo(1024 * 1024);
        assertThat(config.getInt("memqcache_maxcache")).isEqualTo(8192);
        assertThat(config.getLong("delay_threshold")).isEqualTo(16L << 20);
        assertThat(config.getString("child_life_time")).isEqualTo("2h");
    }

    @Test
    void booleansAcceptEveryPgpoolSpellingInAnyCase() throws Exception {
        String[] truths = {"on", "ON", "true", "True", "yes", "YES", "1"};
        String[] lies = {"off", "Off", "false", "FALSE", "no", "No", "0"};
        for (String t : truths) {
            assertThat(PgpoolConfig.fromMap(Map.of("ssl_prefer_server_ciphers", t)).getBoolean("ssl_prefer_server_ciphers"))
                    .as(t).isTrue();
        }
        for (String f : lies) {
            assertThat(PgpoolConfig.fromMap(Map.of("load_balance_mode", f)).getBoolean("load_balance_mode")).as(f).isFalse();
        }
    }

    @Test
    void enumsIgnoreCaseAndAcceptOldAliases() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of(
                "backend_clustering_mode", "RAW", "log_min_messages", "debug", "check_temp_table", "off"));

        assertThat(config.getString("backend_clustering_mode")).isEqualTo("raw");
        assertThat(config.getOption("backend_clustering_mode").code()).isEqualTo(4);
        assertThat(config.getOption("log_min_messages").code()).isEqualTo(13);
        assertThat(config.getOption("check_temp_table").code()).isEqualTo(5);
    }

    @Test
    void leadingZeroMeansOctalAndZeroXMeansHexLikeCsStrtol() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of("unix_socket_permissions", "0770", "relcache_size", "0x40"));

        assertThat(config.getInt("unix_socket_permissions")).isEqualTo(0770);
        assertThat(config.getInt("relcache_size")).isEqualTo(64);
    }

    @Test
    void unknownNamesAreWarnedWithLineAndSuggestion() throws Exception {
        assertThat(warnings("prot = 9999\nPort = 9999\nbackend_hostnam0 = 'x'\nfrobnicate = 1\n")).containsExactly(
                "pgpool.conf:1: unknown parameter 'prot' ignored (did you mean 'port'?)",
                "pgpool.conf:2: unknown parameter 'Port' ignored (did you mean 'port'?)",
                "pgpool.conf:3: unknown parameter 'backend_hostnam0' ignored (did you mean 'backend_hostname0'?)",
                "pgpool.conf:4: unknown parameter 'frobnicate' ignored");
    }

    @Test
    void laterDuplicateWinsWithAWarningNamingBothLines() throws Exception {
        Path file = write("port = 1111\nssl = off\nport = 2222\n");

        PgpoolConfig config = PgpoolConfig.load(file);

        assertThat(config.getInt("port")).isEqualTo(2222);
        assertThat(config.setting("port")).get().extracting(ConfigSetting::line).isEqualTo(3);
        assertThat(config.warnings()).extracting(ConfigProblem::toString)
                .containsExactly("pgpool.conf:3: port is set again; this value replaces the one at pgpool.conf:1");
    }

    @Test
    void deprecatedNamesWarnAndNameTheirReplacement() throws Exception {
        Path file = write("""
                logdir = '/var/log/pgpool'
                fail_over_on_backend_error = off
                follow_master_command = '/bin/follow %d'
                master_slave_mode = on
                master_slave_sub_mode = 'stream'
                other_pgpool_hostname0 = 'peer'
                """);

        PgpoolConfig config = PgpoolConfig.load(file);

        assertThat(config.getString("work_dir")).isEqualTo("/var/log/pgpool");
        assertThat(config.getBoolean("failover_on_backend_error")).isFalse();
        assertThat(config.getString("follow_primary_command")).isEqualTo("/bin/follow %d");
        assertThat(config.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "pgpool.conf:1: parameter 'logdir' is deprecated (renamed in pgpool-II 4.7);"
                        + " its value is applied to 'work_dir'; rename it",
                "pgpool.conf:2: parameter 'fail_over_on_backend_error' is deprecated (renamed in pgpool-II 4.0);"
                        + " its value is applied to 'failover_on_backend_error'; rename it",
                "pgpool.conf:3: parameter 'follow_master_command' is deprecated (renamed in pgpool-II 4.2);"
                        + " its value is applied to 'follow_primary_command'; rename it",
                "pgpool.conf:4: parameter 'master_slave_mode' is no longer supported (removed in pgpool-II 4.2);"
                        + " line ignored; use 'backend_clustering_mode' instead",
                "pgpool.conf:5: parameter 'master_slave_sub_mode' is no longer supported (removed in pgpool-II 4.2);"
                        + " line ignored; use 'backend_clustering_mode' instead",
                "pgpool.conf:6: parameter 'other_pgpool_hostname0' is no longer supported (removed in pgpool-II 4.2);"
                        + " line ignored; use 'hostnameN' instead");
    }

    @Test
    void deprecatedNameWithABadValueIsStillAnError() throws IOException {
        assertThat(loadErrors("fail_over_on_backend_error = sometimes\n")).containsExactly(
                "pgpool.conf:1: invalid value 'sometimes' for failover_on_backend_error"
                        + " (expected a boolean: on, off, true, false, yes, no, 1 or 0)");
    }

    @Test
    void indexProblemsAreErrors() throws IOException {
        assertThat(loadErrors("backend_hostname = 'db'\nbackend_port128 = 5432\n")).containsExactly(
                "pgpool.conf:1: parameter 'backend_hostname' needs a node index, e.g. backend_hostname0",
                "pgpool.conf:2: node index of 'backend_port128' is out of range 0..127");
    }

    @Test
    void backendsAreListedByIndexWithDefaultsAndFlags() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("""
                backend_hostname0 = 'primary.db'
                backend_port0 = 5432
                backend_weight0 = 0
                backend_data_directory0 = '/srv/pg0'
                backend_flag0 = 'ALLOW_TO_FAILOVER|ALWAYS_PRIMARY'
                backend_application_name0 = 'node0'
                backend_hostname2 = 'standby.db'
                backend_port2 = 5433
                backend_flag2 = 'DISALLOW_TO_FAILOVER'
                """));

        assertThat(config.backends()).containsExactly(
                new BackendDefinition(0, "primary.db", 5432, 0.0, "/srv/pg0", new BackendFlag(true, true), "node0"),
                new BackendDefinition(2, "standby.db", 5433, 1.0, "", new BackendFlag(false, false), ""));
        assertThat(config.warnings()).isEmpty();
        assertThat(config.backends().get(0).flag().text()).isEqualTo("ALLOW_TO_FAILOVER|ALWAYS_PRIMARY");
    }

    @Test
    void backendWithoutPortUses5432AndWithoutHostTheUnixSocket() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("backend_hostname0 = 'db0'\nbackend_port1 = 5433\n"));

        assertThat(config.backends()).extracting(b -> b.hostname() + ":" + b.port())
                .containsExactly("db0:5432", "/tmp:5433");
        assertThat(config.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "pgpool.conf:1: backend_port0 is not set; using 5432 (pgpool-II would leave backend 0 unused)",
                "pgpool.conf:2: backend_hostname1 is empty; connecting through the Unix socket in /tmp");
    }

    @Test
    void backendPartsWithoutHostOrPortAreIgnoredWithAWarning() throws Exception {
        assertThat(warnings("backend_hostname0 = 'db'\nbackend_port0 = 5432\nbackend_weight3 = 2\n"
                + "health_check_period4 = 10\n")).containsExactly(
                "pgpool.conf:3: backend_weight3 is ignored: backend 3 has neither backend_hostname3 nor backend_port3",
                "pgpool.conf:4: health_check_period4 is ignored: backend 4 has neither backend_hostname4"
                        + " nor backend_port4");
    }

    @Test
    void twoBackendsOnTheSameServerAreAnError() throws IOException {
        assertThat(loadErrors("""
                backend_hostname0 = 'db'
                backend_port0 = 5432
                backend_hostname1 = 'db'
                backend_port1 = 5432
                """)).containsExactly("pgpool.conf:4: backend 1 (db:5432) is the same server as backend 0");
    }

    @Test
    void noBackendLoadsButCannotServe() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("port = 9999\n"));

        assertThatThrownBy(config::requireBackends).isInstanceOf(ConfigException.class)
                .hasMessage("pgpool.conf: no backend is configured; set backend_hostname0 and backend_port0");
    }

    @Test
    void perNodeHealthCheckFallsBackToThePlainParameter() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("""
                backend_hostname0 = 'a'
                backend_hostname1 = 'b'
                health_check_period = 10
                health_check_user = 'checker'
                health_check_period1 = 30s
                health_check_user1 = 'other'
                """));

        assertThat(config.getInt("health_check_period0")).isEqualTo(10);
        assertThat(config.getInt("health_check_period1")).isEqualTo(30);
        assertThat(config.isSet("health_check_period0")).isFalse();
        assertThat(config.healthCheck(0).user()).isEqualTo("checker");
        assertThat(config.healthCheck(1)).isEqualTo(new HealthCheckSettings(1, Duration.ofSeconds(30),
                Duration.ofSeconds(20), "other", "", "", 0, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(config.getInt("health_check_period7")).isEqualTo(10);
    }

    @Test
    void crossParameterChecksReportTheirLine() throws IOException {
        assertThat(loadErrors("""
                ssl = on
                process_management_mode = dynamic
                min_spare_children = 20
                max_spare_children = 10
                num_init_children = 4
                reserved_connections = 4
                use_watchdog = on
                """)).containsExactly(
                "pgpool.conf:7: use_watchdog is on but this proxy's watchdog node 0 (from pgpool_node_id)"
                        + " has no wd_port0",
                "pgpool.conf:1: ssl is on but ssl_cert is empty",
                "pgpool.conf:1: ssl is on but ssl_key is empty",
                "pgpool.conf:3: min_spare_children (20) is larger than max_spare_children (10)",
                "pgpool.conf:6: reserved_connections (4) leaves no room for clients: num_init_children is 4");
    }

    @Test
    void tidepoolConfNextToPgpoolConfAddsAndOverridesSettings() throws Exception {
        Path file = write("backend_hostname0 = 'db'\nworker_threads = 1\n");
        Files.writeString(dir.resolve("tidepool.conf"), "worker_threads = 3\npcp_client_version = 4.3\n"
                + "builtin_failover = on\n");

        PgpoolConfig config = PgpoolConfig.load(file);

        assertThat(config.getInt("worker_threads")).isEqualTo(3);
        assertThat(config.getString("pcp_client_version")).isEqualTo("4.3");
        assertThat(config.getBoolean("builtin_failover")).isTrue();
        assertThat(config.getString("recovery_method")).isEqualTo("auto");
        assertThat(config.catalog().get("worker_threads").isTidepoolOnly()).isTrue();
    }

    @Test
    void errorsInTidepoolConfNameThatFile() throws IOException {
        write("port = 9999\n");
        Files.writeString(dir.resolve("tidepool.conf"), "\npcp_client_version = '3.7'\n");

        assertThat(catchThrowableOfType(ConfigException.class, () -> PgpoolConfig.load(dir.resolve("pgpool.conf")))
                .problems()).extracting(ConfigProblem::toString).containsExactly(
                "tidepool.conf:2: invalid value '3.7' for pcp_client_version"
                        + " (expected one of: auto, 4.2, 4.3, 4.4, 4.5, 4.6, 4.7)");
    }

    @Test
    void watchdogNodeIdComesFromPgpoolNodeIdFile() throws Exception {
        Path file = write("use_watchdog = on\nhostname1 = 'me'\nwd_port1 = 9000\npgpool_port1 = 9999\n"
                + "heartbeat_port1 = 9694\n");
        Files.writeString(dir.resolve("pgpool_node_id"), "1\n");

        PgpoolConfig config = PgpoolConfig.load(file);

        assertThat(config.pgpoolNodeId()).isEqualTo(1);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void invalidPgpoolNodeIdIsAnError() throws IOException {
        write("port = 9999\n");
        Files.writeString(dir.resolve("pgpool_node_id"), "one\n");

        assertThat(catchThrowableOfType(ConfigException.class, () -> PgpoolConfig.load(dir.resolve("pgpool.conf")))
                .problems()).extracting(ConfigProblem::toString)
                .containsExactly("pgpool_node_id:1: invalid node id 'one' (expected an integer 0..127)");
    }

    @Test
    void relativeFilesResolveNextToPgpoolConf() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("pool_passwd = 'secrets/pool_passwd'\n"));

        assertThat(config.poolPasswdFile()).contains(dir.resolve("secrets/pool_passwd"));
        assertThat(config.poolHbaFile()).isEqualTo(dir.resolve("pool_hba.conf"));
        assertThat(config.pcpConfFile()).isEqualTo(dir.resolve("pcp.conf"));
        assertThat(config.resolvePath("/abs/file")).isEqualTo(Path.of("/abs/file"));
        assertThat(PgpoolConfig.fromMap(Map.of("pool_passwd", "''")).poolPasswdFile()).isEmpty();
    }

    @Test
    void gettersRejectUnknownNamesAndWrongTypes() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of());

        assertThatThrownBy(() -> config.getInt("prot")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown parameter 'prot'");
        assertThatThrownBy(() -> config.getBoolean("port")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port is a INT parameter; getBOOL does not apply");
        assertThatThrownBy(() -> config.getString("backend_port")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter 'backend_port' needs a node index, e.g. backend_port0");
    }

    @Test
    void loadedConfigurationIsImmutable() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of("backend_hostname0", "db"));

        assertThatThrownBy(() -> config.settings().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.backends().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.warnings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void showValueFollowsPgpoolShowFormatting() throws Exception {
        PgpoolConfig config = PgpoolConfig.fromMap(Map.of(
                "backend_hostname0", "db", "backend_weight0", "0.5", "health_check_password", "pw",
                "reset_query_list", "'ABORT; DISCARD ALL'", "child_life_time", "3600",
                "unix_socket_permissions", "0770", "memqcache_total_size", "128MB"));

        assertThat(config.showValue("load_balance_mode")).isEqualTo("on");
        assertThat(config.showValue("backend_clustering_mode")).isEqualTo("streaming_replication");
        assertThat(config.showValue("child_life_time")).isEqualTo("1h");
        assertThat(config.showValue("connect_timeout")).isEqualTo("10s");
        assertThat(config.showValue("client_idle_limit")).isEqualTo("0");
        assertThat(config.showValue("memqcache_total_size")).isEqualTo("128MB");
        assertThat(config.showValue("unix_socket_permissions")).isEqualTo("0770");
        assertThat(config.showValue("backend_weight0")).isEqualTo("0.5");
        assertThat(config.showValue("reset_query_list")).isEqualTo("ABORT; DISCARD ALL");
        assertThat(config.showValue("health_check_password")).isEqualTo("*****");
        assertThat(config.showValue("health_check_password0")).isEqualTo("*****");
        assertThat(config.showValue("pool_passwd")).isEqualTo("*****");
        assertThat(config.showValue("num_init_children")).isEqualTo("32");
    }

    @Test
    void catalogValidatesSingleValuesForEditors() {
        ParameterCatalog catalog = ParameterCatalog.standard();

        assertThat(catalog.validate("port", "6432")).isEmpty();
        assertThat(catalog.validate("backend_port3", "0")).contains(
                "invalid value '0' for backend_port3 (expected an integer 1..65535)");
        assertThat(catalog.validate("logdir", "nope")).isEmpty();
        assertThat(catalog.validate("master_slave_mode", "on")).contains("parameter 'master_slave_mode' is no"
                + " longer supported (removed in pgpool-II 4.2); line ignored; use 'backend_clustering_mode' instead");
        assertThat(catalog.validate("prot", "1")).contains("unknown parameter 'prot' ignored (did you mean 'port'?)");
        assertThat(catalog.validate("backend_port", "1")).contains(
                "parameter 'backend_port' needs a node index, e.g. backend_port0");
    }

    @Test
    void errorsFromIncludedFilesAndTheMainFileAreReportedTogether() throws IOException {
        Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/backends.conf"), "backend_hostname0 = 'db'\nbackend_port0 = x\n");
        assertThat(loadErrors("include 'conf.d/backends.conf'\nport = -1\ninclude 'conf.d/missing.conf'\n"))
                .containsExactly(
                        "pgpool.conf:3: included file 'conf.d/missing.conf' not found: "
                                + dir.resolve("conf.d/missing.conf"),
                        "conf.d/backends.conf:2: invalid value 'x' for backend_port0 (expected an integer 1..65535)",
                        "pgpool.conf:2: invalid value '-1' for port (expected an integer 0..65535)");
    }

    @Test
    void includesNestedTooDeeplyAreAnError() throws IOException {
        for (int i = 0; i < 12; i++) {
            Files.writeString(dir.resolve("level" + i + ".conf"), "include 'level" + (i + 1) + ".conf'\n");
        }
        Files.writeString(dir.resolve("level12.conf"), "port = 1\n");

        assertThat(loadErrors("include 'level0.conf'\n"))
                .containsExactly("level9.conf:1: includes nested deeper than 10 levels at 'level10.conf'");
    }

    @Test
    void tidepoolSettingsInPgpoolConfAreAcceptedToo() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("worker_threads = 4\nssh_port = 2222\n"));

        assertThat(config.getInt("worker_threads")).isEqualTo(4);
        assertThat(config.getInt("ssh_port")).isEqualTo(2222);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void semicolonListsKeepBackslashEscapedSemicolonsInsideItems() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write(
                "primary_routing_query_pattern_list = 'SELECT \\\\; x;SELECT nextval.*'\n"));

        assertThat(config.getList("primary_routing_query_pattern_list"))
                .containsExactly("SELECT \\; x", "SELECT nextval.*");
    }

    @Test
    void pcpConfPoolHbaAndKeyFileDefaultNextToPgpoolConfUnlessOverridden() throws Exception {
        PgpoolConfig config = PgpoolConfig.load(write("port = 9999\n"));
        assertThat(config.pcpConfFile()).isEqualTo(dir.resolve("pcp.conf"));
        assertThat(config.poolHbaFile()).isEqualTo(dir.resolve("pool_hba.conf"));
        assertThat(config.poolKeyFile()).isEmpty();

        Path elsewhere = dir.resolve("etc");
        PgpoolConfig overridden = config.withFileOverrides(ConfigFileOverrides.NONE
                .withPcpConf(elsewhere.resolve("my-pcp.conf"))
                .withPoolHba(elsewhere.resolve("hba.conf"))
                .withPoolKey(elsewhere.resolve("key")));
        assertThat(overridden.pcpConfFile()).isEqualTo(elsewhere.resolve("my-pcp.conf"));
        assertThat(overridden.poolHbaFile()).isEqualTo(elsewhere.resolve("hba.conf"));
        assertThat(overridden.poolKeyFile()).hasValue(elsewhere.resolve("key"));
        assertThat(overridden.getInt("port")).as("parameters unchanged").isEqualTo(9999);
        assertThat(ConfigDiff.between(config, overridden).changes()).as("not a parameter change").isEmpty();
        assertThat(config.pcpConfFile()).as("the original is untouched").isEqualTo(dir.resolve("pcp.conf"));
    }

    @Test
    void fileOverridesAreMadeAbsolute() {
        ConfigFileOverrides overrides = ConfigFileOverrides.NONE.withPcpConf(Path.of("conf/../pcp.conf"));
        assertThat(overrides.pcpConf()).hasValue(Path.of("pcp.conf").toAbsolutePath());
    }
}
