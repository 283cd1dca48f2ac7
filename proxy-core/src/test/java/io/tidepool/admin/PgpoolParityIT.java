package io.tidepool.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.harness.Await;
import io.tidepool.harness.DebianPgpool;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Tidepool and Debian's pgpool-II side by side: the same {@code pgpool.conf} (only ports and
 * directories differ) in front of the same three-node cluster, asked the same admin questions
 * through SQL ({@code SHOW pool_*}) and pgpool-II's own {@code pcp_*} tools. What scripts written
 * for pgpool-II read (column names and order, row counts, node facts, the tools' printed lines)
 * must come out the same. Debian ships pgpool-II 4.3; where 4.7, which Tidepool follows, only
 * appends columns, the 4.3 columns must be a prefix of Tidepool's.
 */
@ExtendWith(LeakDetection.class)
class PgpoolParityIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    private static final String TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";

    private static DebianPgpool pgpool;
    private static TidepoolEngine tidepool;
    private static Path tidepoolDir;
    private static Path pcpPass;

    @BeforeAll
    static void start() throws Exception {
        DebianPgpool.requireInstalled();
        pgpool = DebianPgpool.start(pg.nodes().stream()
                .map(n -> new DebianPgpool.Backend(n.host(), n.port(), n.name())).toList(), pg.cluster().superuser());
        tidepoolDir = Files.createTempDirectory("tidepool-parity-");
        // pgpool-II's own files, with Tidepool's ports and directories
        String conf = Files.readString(pgpool.directory().resolve("pgpool.conf"))
                .replace(pgpool.directory().toString(), tidepoolDir.toString())
                .replaceAll("(?m)^port = \\d+$", "port = 0")
                .replaceAll("(?m)^pcp_port = \\d+$", "pcp_port = 0");
        Files.writeString(tidepoolDir.resolve("pgpool.conf"), conf);
        for (String file : List.of("pcp.conf", "pool_hba.conf")) {
            Files.copy(pgpool.directory().resolve(file), tidepoolDir.resolve(file));
        }
        tidepool = new TidepoolEngine(PgpoolConfig.load(tidepoolDir.resolve("pgpool.conf")),
                TidepoolEngine.Options.defaults().withProxy(true));
        tidepool.start();
        pcpPass = Files.createTempFile("parity-pcppass", "");
        Files.writeString(pcpPass, "*:*:" + DebianPgpool.PCP_USER + ":" + DebianPgpool.PCP_PASSWORD + "\n");
        Files.setPosixFilePermissions(pcpPass, PosixFilePermissions.fromString("rw-------"));
        // both know the standbys' replication state once their checks have run
        Await.until(Duration.ofSeconds(30), () -> "pgpool-II and Tidepool both reporting the standbys streaming;"
                + " pgpool-II's log:\n" + pgpool.logTail(),
                () -> standbysStreaming(pgpool.port()) && standbysStreaming(tidepoolPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (tidepool != null) {
            tidepool.close();
        }
        if (pgpool != null) {
            pgpool.close();
        }
        if (pcpPass != null) {
            Files.deleteIfExists(pcpPass);
        }
        if (tidepoolDir != null) {
            try (var files = Files.walk(tidepoolDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static int tidepoolPort() {
        return tidepool.proxy().orElseThrow().tcpAddress().getPort();
    }

    @Test
    void showPoolNodesHasTheSameColumnsAndNodeFacts() throws Exception {
        Result theirs = show(pgpool.port(), "SHOW pool_nodes");
        Result ours = show(tidepoolPort(), "SHOW pool_nodes");
        assertThat(ours.columns()).isEqualTo(theirs.columns());
        assertThat(ours.rows()).hasSize(3).hasSameSizeAs(theirs.rows());
        // what a node is and how it is doing; select_cnt and load_balance_node belong to the sessions
        List<String> facts = List.of("node_id", "hostname", "port", "status", "pg_status", "lb_weight", "role", "pg_role",
                "replication_delay", "replication_state", "replication_sync_state");
        for (int i = 0; i < theirs.rows().size(); i++) {
            for (String column : facts) {
                assertThat(ours.rows().get(i).get(column)).as("node " + i + " " + column)
                        .isEqualTo(theirs.rows().get(i).get(column));
            }
            assertThat(ours.rows().get(i).get("last_status_change")).matches(TIME);
            assertThat(ours.rows().get(i).get("load_balance_node")).isIn("true", "false");
        }
    }

    @Test
    void perNodeStatisticsHaveTheSameColumnsAndNodes() throws Exception {
        for (String show : List.of("SHOW pool_backend_stats", "SHOW pool_health_check_stats")) {
            Result theirs = show(pgpool.port(), show);
            Result ours = show(tidepoolPort(), show);
            assertThat(ours.columns()).as(show).isEqualTo(theirs.columns());
            assertThat(ours.rows()).as(show).hasSameSizeAs(theirs.rows());
            for (int i = 0; i < theirs.rows().size(); i++) {
                for (String column : List.of("node_id", "hostname", "port", "status", "role")) {
                    assertThat(ours.rows().get(i).get(column)).as(show + " node " + i + " " + column)
                            .isEqualTo(theirs.rows().get(i).get(column));
                }
            }
        }
    }

    @Test
    void processAndPoolViewsKeepPgpoolsColumnsAndSlots() throws Exception {
        Result theirs = show(pgpool.port(), "SHOW pool_processes");
        Result ours = show(tidepoolPort(), "SHOW pool_processes");
        assertThat(ours.columns()).isEqualTo(theirs.columns());
        assertThat(ours.rows()).as("one row per num_init_children slot").hasSameSizeAs(theirs.rows());
        // the session asking is the one executing a command, in both
        assertThat(ours.rows()).filteredOn(r -> r.get("status").equals("Execute command")).hasSize(1);
        assertThat(theirs.rows()).filteredOn(r -> r.get("status").equals("Execute command")).hasSize(1);

        Result theirPools = show(pgpool.port(), "SHOW pool_pools");
        Result ourPools = show(tidepoolPort(), "SHOW pool_pools");
        assertThat(ourPools.columns())
                .as("pgpool-II 4.3's columns, then those 4.5 and 4.7 added")
                .startsWith(theirPools.columns().toArray(String[]::new))
                .endsWith("load_balance_node", "client_host", "client_port", "statement");
        // num_init_children x max_pool x nodes rows in both, empty slots included: scripts count free slots
        java.util.function.Function<Map<String, String>, String> slot = r -> r.get("pool_id") + "/" + r.get("backend_id");
        assertThat(ourPools.rows()).as("one row per (slot, pool slot, node)").hasSameSizeAs(theirPools.rows());
        assertThat(ourPools.rows().stream().map(slot).toList())
                .containsExactlyInAnyOrderElementsOf(theirPools.rows().stream().map(slot).toList());
        assertThat(ourPools.rows()).filteredOn(r -> !r.get("pool_backendpid").equals("0")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.get("database")).isNotEmpty());
    }

    @Test
    void pgpoolShowListsArraysAndGroupsAsPgpoolDoes() throws Exception {
        for (String name : List.of("backend", "health_check", "watchdog", "heartbeat", "backend_hostname",
                "health_check_period", "hostname")) {
            Result theirs = show(pgpool.port(), "PGPOOL SHOW " + name);
            Result ours = show(tidepoolPort(), "PGPOOL SHOW " + name);
            assertThat(ours.columns()).as(name).isEqualTo(theirs.columns()).containsExactly("item", "value", "description");
            assertThat(items(ours)).as(name).isEqualTo(items(theirs));
        }
        Result theirBackends = show(pgpool.port(), "PGPOOL SHOW backend");
        Result ourBackends = show(tidepoolPort(), "PGPOOL SHOW backend");
        assertThat(ourBackends.rows()).hasSize(18);
        for (int i = 0; i < theirBackends.rows().size(); i++) {
            assertThat(ourBackends.rows().get(i).get("value")).as(ourBackends.rows().get(i).get("item"))
                    .isEqualTo(theirBackends.rows().get(i).get("value"));
        }
        assertThat(show(tidepoolPort(), "PGPOOL SHOW backend_port1").rows())
                .containsExactly(Map.of("backend_port1", Integer.toString(pg.nodes().get(1).port())));
        // ALL: the groups first, in the same order
        List<String> theirAll = items(show(pgpool.port(), "PGPOOL SHOW ALL"));
        List<String> ourAll = items(show(tidepoolPort(), "PGPOOL SHOW ALL"));
        int grouped = items(theirBackends).size() + items(show(pgpool.port(), "PGPOOL SHOW health_check")).size();
        assertThat(ourAll.subList(0, grouped)).isEqualTo(theirAll.subList(0, grouped));
        assertThat(ourAll).contains("listen_addresses", "port", "load_balance_mode", "sr_check_period");
    }

    private static List<String> items(Result result) {
        return result.rows().stream().map(r -> r.get("item")).toList();
    }

    @Test
    void pcpToolsPrintTheSameNodeLines() throws Exception {
        assertThat(pcp(tidepool.pcpPort().orElseThrow(), "pcp_node_count"))
                .isEqualTo(pcp(pgpool.pcpPort(), "pcp_node_count")).isEqualTo("3\n");
        // 4.3's pcp_node_info reads fields by position: a layout that differs shifts every column
        String theirs = pcp(pgpool.pcpPort(), "pcp_node_info", "-a").replaceAll(TIME, "<time>");
        String ours = pcp(tidepool.pcpPort().orElseThrow(), "pcp_node_info", "-a").replaceAll(TIME, "<time>");
        assertThat(ours).isEqualTo(theirs).contains(" streaming async <time>\n");
        for (String node : List.of("0", "1", "2")) {
            List<String> theirFields = List.of(pcp(pgpool.pcpPort(), "pcp_health_check_stats", "-n", node).split(" "));
            List<String> ourFields = List.of(pcp(tidepool.pcpPort().orElseThrow(), "pcp_health_check_stats", "-n", node)
                    .split(" "));
            assertThat(ourFields).hasSameSizeAs(theirFields);
            assertThat(ourFields.subList(0, 5)).isEqualTo(theirFields.subList(0, 5));
        }
    }

    @Test
    void pcpProcessToolsCountTheSameSlots() throws Exception {
        // Monitoring reads the number of children from pcp_proc_count; an idle Tidepool once said none.
        String theirCount = pcp(pgpool.pcpPort(), "pcp_proc_count", "-v");
        String ourCount = pcp(tidepool.pcpPort().orElseThrow(), "pcp_proc_count", "-v");
        String total = "\nTotal Processes:" + tidepool.config().getInt("num_init_children") + "\n";
        assertThat(theirCount).endsWith(total);
        assertThat(ourCount).endsWith(total);
        // -a prints every (slot, pool slot, node) row
        assertThat(pcp(tidepool.pcpPort().orElseThrow(), "pcp_proc_info", "-a").lines())
                .hasSameSizeAs(pcp(pgpool.pcpPort(), "pcp_proc_info", "-a").lines().toList());
    }

    // ------------------------------------------------------------------ helpers

    /** A result's column labels in order, and its rows as label = text. */
    private record Result(List<String> columns, List<Map<String, String>> rows) {
    }

    /**
     * Runs {@code sql} in the simple protocol (pgpool-II answers SHOW pool_* only there) and returns
     * the last result that has columns: pgpool-II sends some headers twice, the first time empty.
     */
    private static Result show(int port, String sql) throws SQLException {
        try (Connection c = connect(port); Statement st = c.createStatement()) {
            Result last = null;
            boolean isResult = st.execute(sql);
            while (isResult || st.getUpdateCount() != -1) {
                if (isResult) {
                    try (ResultSet rs = st.getResultSet()) {
                        ResultSetMetaData md = rs.getMetaData();
                        List<String> columns = new ArrayList<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            columns.add(md.getColumnLabel(i));
                        }
                        List<Map<String, String>> rows = PgClients.rows(rs);
                        if (last == null || !rows.isEmpty()) {
                            last = new Result(columns, rows);
                        }
                    }
                }
                isResult = st.getMoreResults();
            }
            assertThat(last).as(sql + " on port " + port + " returned rows").isNotNull();
            return last;
        }
    }

    private static Connection connect(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pg.cluster().superuser());
        p.setProperty("password", pg.cluster().superuserPassword());
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "20");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    private static boolean standbysStreaming(int port) {
        try {
            return show(port, "SHOW pool_nodes").rows().stream().filter(r -> !r.get("node_id").equals("0"))
                    .allMatch(r -> r.get("replication_state").equals("streaming"));
        } catch (SQLException e) {
            return false;
        }
    }

    /** A pcp tool's standard output; it must succeed. */
    private static String pcp(int pcpPort, String tool, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(pcpPort),
                "-U", DebianPgpool.PCP_USER, "-w"));
        all.addAll(List.of(args));
        PgpoolTools.Result result = PgpoolTools.run(Map.of("PCPPASSFILE", pcpPass.toString(), "TZ", "UTC"), tool,
                all.toArray(String[]::new));
        assertThat(result.exitCode()).as(tool + " on port " + pcpPort + "; stderr: " + result.stderr()).isZero();
        return result.stdout();
    }
}
