package io.tidepool.session;

import io.tidepool.backend.BackendNode;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.routing.RoutingSettings;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ServingSettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streaming-replication mode against a real primary and two streaming standbys: routing,
 * load balancing, session state across nodes, the extended protocol across nodes, admin
 * commands, admission. Which node ran a read is told by {@code SHOW port} (a read without
 * functions, so it is load-balanced) and by the proxy's own per-node counters.
 */
@ExtendWith(LeakDetection.class)
class StreamingSessionIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    private ProxyServer proxy;
    private PgEndpoint viaProxy;
    private int primaryPort;

    @BeforeAll
    static void createTable() {
        PgClients.psql(pg.primary().endpoint(), "drop table if exists tp_items",
                "create table tp_items (id int primary key, note text)",
                "insert into tp_items select g, 'n' || g from generate_series(1, 2000) g").orThrow("create tp_items");
        pg.cluster().awaitCaughtUp();
    }

    @AfterEach
    void stopProxy() throws Exception {
        if (proxy != null) {
            proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
        }
    }

    private void start(ServingSettings serving) throws Exception {
        List<BackendNode> nodes = new ArrayList<>();
        for (int i = 0; i < pg.nodes().size(); i++) {
            nodes.add(new BackendNode(i, pg.nodes().get(i).host(), pg.nodes().get(i).port()));
        }
        primaryPort = pg.primary().port();
        proxy = new ProxyServer(ProxySettings.loopback(0, nodes).streaming(serving));
        proxy.start();
        viaProxy = pg.primary().endpoint().withAddress("127.0.0.1", proxy.tcpAddress().getPort());
    }

    private static ServingSettings weights(double... w) {
        List<Double> list = new ArrayList<>();
        for (double d : w) {
            list.add(d);
        }
        return ServingSettings.unlimited().withWeights(list).withCatalogUser(pg.primary().endpoint().user(), "");
    }

    private static ServingSettings statementLevel(double... w) {
        ServingSettings s = weights(w);
        return s.withRouting(s.routing().toBuilder().statementLevelLoadBalance(true).build());
    }

    private static int port(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    private long selects(int node) {
        return proxy.streaming().orElseThrow().counters().get(node, StatementCounters.Column.SELECT);
    }

    // ------------------------------------------------------------------ routing

    @Test
    void readsSpreadOverNodesInProportionToTheirWeights() throws Exception {
        start(statementLevel(0, 1, 3));
        long d0;
        long d1;
        long d2;
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            // The first read of tp_items runs on the primary while pg_class says whether the table is
            // temporary or unlogged (check_temp_table, check_unlogged_table); count from the next one.
            for (int i = 0; i < 200 && selects(1) + selects(2) == 0; i++) {
                try (ResultSet rs = st.executeQuery("select id from tp_items where id < 3")) {
                    rs.next();
                }
                Thread.sleep(10);
            }
            assertThat(selects(1) + selects(2)).as("balanced once the catalog answered").isPositive();
            Map<String, Map<String, String>> before = poolNodes(st);
            for (int i = 0; i < 4000; i++) {
                try (ResultSet rs = st.executeQuery("select id from tp_items where id < 3")) {
                    rs.next();
                }
            }
            Map<String, Map<String, String>> after = poolNodes(st);
            d0 = selectCnt(after, "0") - selectCnt(before, "0");
            d1 = selectCnt(after, "1") - selectCnt(before, "1");
            d2 = selectCnt(after, "2") - selectCnt(before, "2");
        }
        assertThat(d0).as("weight 0: no read on the primary").isZero();
        assertThat(d1 + d2).isEqualTo(4000);
        // weight 1 : 3 -> 25 % on node 1; 4000 draws keep it well within 21..29 % (about 4.4 standard deviations).
        assertThat(d1 / 4000.0).isBetween(0.21, 0.29);
        assertThat(selects(1) + selects(2)).as("select_cnt is the proxy's own count").isGreaterThanOrEqualTo(4000);
    }

    private static long selectCnt(Map<String, Map<String, String>> poolNodes, String node) {
        return Long.parseLong(poolNodes.get(node).get("select_cnt"));
    }

    @Test
    void writesAlwaysRunOnThePrimary() throws Exception {
        start(statementLevel(0, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            st.execute("delete from tp_items where id > 100000");
            for (int i = 0; i < 50; i++) {
                st.executeUpdate("insert into tp_items values (" + (100001 + i) + ", 'w')");
            }
            st.execute("delete from tp_items where id > 100000");
        }
        StatementCounters counters = proxy.streaming().orElseThrow().counters();
        assertThat(counters.get(0, StatementCounters.Column.INSERT)).isEqualTo(50);
        assertThat(counters.get(1, StatementCounters.Column.INSERT) + counters.get(2, StatementCounters.Column.INSERT)
                + counters.get(1, StatementCounters.Column.DELETE) + counters.get(2, StatementCounters.Column.DELETE))
                .isZero();
    }

    @Test
    void readAfterWriteInTheSameTransactionStaysOnThePrimary() throws Exception {
        start(statementLevel(0, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            assertThat(port(st, "show port")).isNotEqualTo(primaryPort);
            st.execute("begin");
            assertThat(port(st, "show port")).as("read before any write may be balanced").isNotEqualTo(primaryPort);
            st.executeUpdate("insert into tp_items values (200001, 'tx')");
            for (int i = 0; i < 20; i++) {
                assertThat(port(st, "show port")).isEqualTo(primaryPort);
                try (ResultSet rs = st.executeQuery("select count(*) from tp_items where id = 200001")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("the uncommitted row is visible: read ran on the primary").isEqualTo(1);
                }
            }
            st.execute("rollback");
            assertThat(port(st, "show port")).isNotEqualTo(primaryPort);
        }
    }

    @Test
    void withAlwaysEveryReadAfterTheFirstWriteStaysOnThePrimary() throws Exception {
        ServingSettings s = statementLevel(0, 1, 1);
        start(s.withRouting(s.routing().toBuilder().disableLoadBalanceOnWrite(RoutingSettings.WritePolicy.ALWAYS).build()));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            assertThat(port(st, "show port")).isNotEqualTo(primaryPort);
            st.executeUpdate("update tp_items set note = note where id = 1");
            for (int i = 0; i < 30; i++) {
                assertThat(port(st, "show port")).isEqualTo(primaryPort);
            }
        }
    }

    @Test
    void aSelectCallingOnlyStableFunctionsIsBalancedOnceTheCatalogAnswered() throws Exception {
        start(statementLevel(0, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            Set<Integer> ports = new HashSet<>();
            Set<Integer> standbys = Set.of(pg.nodes().get(1).port(), pg.nodes().get(2).port());
            for (int i = 0; i < 300 && !ports.containsAll(standbys); i++) {
                try (ResultSet rs = st.executeQuery("select current_setting('port'), count(*) from tp_items where id < 3")) {
                    rs.next();
                    ports.add(rs.getInt(1));
                }
                Thread.sleep(10);
            }
            assertThat(ports).as("balanced over the standbys").contains(pg.nodes().get(1).port(), pg.nodes().get(2).port());
        }
    }

    @Test
    void aSelectCallingAVolatileFunctionRunsOnThePrimary() throws Exception {
        start(statementLevel(0, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                try (ResultSet rs = st.executeQuery("select current_setting('port'), random()")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(primaryPort);
                }
            }
        }
    }

    @Test
    void noLoadBalanceHintKeepsTheReadOnThePrimary() throws Exception {
        start(statementLevel(0, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                assertThat(port(st, "/*NO LOAD BALANCE*/ show port")).isEqualTo(primaryPort);
                assertThat(port(st, "show port")).isNotEqualTo(primaryPort);
            }
        }
    }

    @Test
    void aSetIssuedOnceIsInEffectOnEveryNodeTheSessionUsesLater() throws Exception {
        start(statementLevel(1, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            st.execute("set work_mem = '7MB'");
            // One statement tells both where it ran and what work_mem is there; the standbys are
            // opened after the SET, so it reaches them by replay.
            Map<Integer, String> workMemByPort = new HashMap<>();
            for (int i = 0; i < 300 && workMemByPort.size() < 3; i++) {
                try (ResultSet rs = st.executeQuery("select current_setting('port'), current_setting('work_mem')")) {
                    rs.next();
                    assertThat(rs.getString(2)).isEqualTo("7MB");
                    workMemByPort.put(rs.getInt(1), rs.getString(2));
                }
            }
            assertThat(workMemByPort).as("reads reached every node, each with the session's SET")
                    .containsOnlyKeys(pg.nodes().get(0).port(), pg.nodes().get(1).port(), pg.nodes().get(2).port());
        }
    }

    // ------------------------------------------------------------------ extended protocol, clients

    @Test
    void jdbcWithAutocommitOffBatchesAndServerPreparedStatements() throws Exception {
        start(weights(1, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy)) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("insert into tp_items values (?, ?)")) {
                ins.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
                for (int i = 0; i < 100; i++) {
                    ins.setInt(1, 300000 + i);
                    ins.setString(2, "batch");
                    ins.addBatch();
                }
                assertThat(ins.executeBatch()).hasSize(100);
            }
            try (PreparedStatement sel = c.prepareStatement("select count(*) from tp_items where note = ?")) {
                sel.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
                for (int i = 0; i < 10; i++) {
                    sel.setString(1, "batch");
                    try (ResultSet rs = sel.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("reads in the writing transaction see its rows").isEqualTo(100);
                    }
                }
            }
            c.commit();
            try (Statement st = c.createStatement()) {
                st.executeUpdate("delete from tp_items where note = 'batch'");
            }
            c.commit();
        }
    }

    @Test
    void aRepeatedUnnamedStatementIsRoutedAgainEachTime() throws Exception {
        // With prepareThreshold 0 pgJDBC sends the same unnamed Parse for every execution. The proxy
        // reuses the classification of a Parse that repeats the last one byte for byte; the routing
        // must still follow the session: balanced before the write, on the primary after it.
        start(statementLevel(0, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy); PreparedStatement ps = c.prepareStatement("show port");
             Statement st = c.createStatement()) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            Set<Integer> balanced = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                balanced.add(port(ps));
            }
            // statement-level balancing over nodes 1 and 2: 30 draws all on one node has odds of 2 in 2^30
            assertThat(balanced).doesNotContain(primaryPort).hasSize(2);
            c.setAutoCommit(false);
            st.executeUpdate("insert into tp_items values (200002, 'tx')");
            for (int i = 0; i < 10; i++) {
                assertThat(port(ps)).as("read after a write in the transaction").isEqualTo(primaryPort);
            }
            c.rollback();
            c.setAutoCommit(true);
            assertThat(port(ps)).isNotEqualTo(primaryPort);
        }
    }

    private static int port(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    @Test
    void aNamedStatementPreparedOnOneNodeIsReplayedWhereItIsExecutedLater() throws Exception {
        start(statementLevel(1, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy);
             PreparedStatement ps = c.prepareStatement("select note from tp_items where id = ?")) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
            for (int i = 1; i <= 200; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("n" + i);
                }
            }
        }
        assertThat(selects(0)).isPositive();
        assertThat(selects(1)).isPositive();
        assertThat(selects(2)).isPositive();
    }

    @Test
    void serverPreparedStatementsWorkAgainAfterDiscardAll() throws Exception {
        start(statementLevel(1, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy);
             PreparedStatement ps = c.prepareStatement("select note from tp_items where id = ?");
             Statement st = c.createStatement()) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
            for (int round = 0; round < 3; round++) {
                for (int i = 1; i <= 30; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("n" + i);
                    }
                }
                st.execute("discard all");
            }
        }
    }

    @Test
    void pgbenchSimpleExtendedAndPreparedRunThroughTheProxy() throws Exception {
        PgClients.pgbench(pg.primary().endpoint(), "-i", "-s", "1", "-q").orThrow("pgbench -i");
        pg.cluster().awaitCaughtUp();
        start(weights(1, 1, 1));
        for (String mode : List.of("simple", "extended", "prepared")) {
            CommandResult run = PgClients.pgbench(viaProxy, "-S", "-M", mode, "-c", "4", "-j", "2", "-t", "300");
            assertThat(run.exitCode()).as(run.describe()).isZero();
            CommandResult write = PgClients.pgbench(viaProxy, "-M", mode, "-c", "2", "-t", "50");
            assertThat(write.exitCode()).as(write.describe()).isZero();
        }
    }

    // ------------------------------------------------------------------ admin commands

    @Test
    void showPoolNodesOverTheSimpleProtocol() throws Exception {
        start(weights(1, 1, 2));
        CommandResult r = PgClients.psqlWithArgs(viaProxy, List.of("-A", "-F", "|", "-c", "show pool_nodes"), "");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo(String.join("|", AdminAnswers.POOL_NODES));
        String time = "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}";
        assertThat(lines.get(1)).matches("0\\|" + java.util.regex.Pattern.quote(pg.primary().host()) + "\\|" + primaryPort
                + "\\|up\\|unknown\\|0\\.250000\\|primary\\|primary\\|0\\|(true|false)\\|0\\|\\|\\|" + time);
        for (int n = 1; n <= 2; n++) {
            assertThat(lines.get(n + 1)).matches(n + "\\|" + java.util.regex.Pattern.quote(pg.nodes().get(n).host()) + "\\|"
                    + pg.nodes().get(n).port() + "\\|up\\|unknown\\|" + (n == 1 ? "0\\.250000" : "0\\.500000")
                    + "\\|standby\\|standby\\|0\\|(true|false)\\|0\\|\\|\\|" + time);
        }
        assertThat(lines.subList(1, 4).stream().filter(l -> l.contains("|true|")).count())
                .as("exactly one row is the session's load-balance node").isEqualTo(1);
        assertThat(lines.get(4)).isEqualTo("(3 rows)");
    }

    @Test
    void showPoolNodesMarksTheSessionsLoadBalanceNodeAndCountsItsSelects() throws Exception {
        start(weights(0, 0, 1));
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            Map<String, Map<String, String>> before = poolNodes(st);
            assertThat(before.get("0").get("load_balance_node")).isEqualTo("false");
            assertThat(before.get("1").get("load_balance_node")).isEqualTo("false");
            assertThat(before.get("2").get("load_balance_node")).as("chosen at session start, before any read")
                    .isEqualTo("true");
            assertThat(before.get("2").get("lb_weight")).isEqualTo("1.000000");
            assertThat(before.get("0").get("lb_weight")).isEqualTo("0.000000");
            for (int i = 0; i < 3; i++) {
                assertThat(port(st, "show port")).isEqualTo(pg.nodes().get(2).port());
                try (ResultSet rs = st.executeQuery("select count(*) from tp_items where id <= 2")) {
                    rs.next();
                }
            }
            Map<String, Map<String, String>> after = poolNodes(st);
            assertThat(Long.parseLong(after.get("2").get("select_cnt")) + Long.parseLong(after.get("0").get("select_cnt")))
                    .as("3 SELECTs counted (SHOW is not a SELECT)").isEqualTo(3);
            assertThat(after.get("1").get("select_cnt")).isEqualTo("0");
            for (String node : List.of("0", "1", "2")) {
                Map<String, String> row = after.get(node);
                assertThat(row.get("status")).isEqualTo("up");
                assertThat(row.get("role")).isEqualTo(node.equals("0") ? "primary" : "standby");
                assertThat(row.get("pg_role")).isEqualTo(row.get("role"));
                assertThat(row.get("replication_delay")).isEqualTo("0");
            }
        }
    }

    private static Map<String, Map<String, String>> poolNodes(Statement st) throws SQLException {
        Map<String, Map<String, String>> rows = new HashMap<>();
        for (Map<String, String> row : PgClients.rows(st, "show pool_nodes")) {
            rows.put(row.get("node_id"), row);
        }
        return rows;
    }

    /** SHOW pool_processes: status of each served session, in order of pool_pid (sessions in the order they came). */
    private static List<String> sessionStatuses(Statement st) throws SQLException {
        Map<Long, String> byId = new java.util.TreeMap<>();
        for (Map<String, String> row : PgClients.rows(st, "show pool_processes")) {
            if (!row.get("status").equals("Wait for connection")) {
                byId.put(Long.parseLong(row.get("pool_pid")), row.get("status"));
            }
        }
        return new ArrayList<>(byId.values());
    }

    @Test
    void poolProcessesShowsWhichSessionsAreExecutingACommand() throws Exception {
        start(weights(1, 1, 1));
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (Connection busy = PgClients.jdbc(viaProxy); Connection watcher = PgClients.jdbc(viaProxy);
             Statement st = watcher.createStatement()) {
            // As a pgpool-II child does, the session asking is itself executing a command.
            assertThat(sessionStatuses(st)).containsExactly("Idle", "Execute command");

            Future<?> sleeping = background.submit(() -> {
                try (Statement b = busy.createStatement()) {
                    b.execute("select pg_sleep(3)");
                }
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            List<String> during = sessionStatuses(st);
            while (!during.get(0).equals("Execute command") && System.nanoTime() < deadline) {
                Thread.sleep(20);
                during = sessionStatuses(st);
            }
            assertThat(during).as("while pg_sleep runs").containsExactly("Execute command", "Execute command");
            sleeping.get(10, TimeUnit.SECONDS);
            assertThat(sessionStatuses(st)).as("after it answered").containsExactly("Idle", "Execute command");

            busy.setAutoCommit(false);
            try (Statement b = busy.createStatement()) {
                b.execute("select 1");
            }
            assertThat(sessionStatuses(st)).containsExactly("Idle in transaction", "Execute command");
            busy.rollback();
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void showPoolNodesOverTheExtendedProtocolSendsTheHeaderOnce() throws Exception {
        start(weights(1, 1, 1));
        try (Connection c = PgClients.jdbc(viaProxy)) {
            for (int round = 0; round < 3; round++) {
                try (PreparedStatement ps = c.prepareStatement("SHOW pool_nodes"); ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    assertThat(md.getColumnCount()).isEqualTo(14);
                    assertThat(md.getColumnName(1)).isEqualTo("node_id");
                    assertThat(md.getColumnName(14)).isEqualTo("last_status_change");
                    int rows = 0;
                    while (rs.next()) {
                        assertThat(rs.getString("node_id")).isEqualTo(Integer.toString(rows));
                        assertThat(rs.getString("status")).isEqualTo("up");
                        rows++;
                    }
                    assertThat(rows).isEqualTo(3);
                }
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("show pool_version")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(AdminAnswers.COMPATIBLE_VERSION);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("pgpool explain routing select 1")) {
                assertThat(rs.getMetaData().getColumnName(4)).isEqualTo("reason");
                assertThat(rs.next()).isTrue();
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("show pool_processes")) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(8);
                assertThat(rs.next()).isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ pooling

    @Test
    void aPooledConnectionIsReusedAndNothingOfThePreviousOwnerLeaks() throws Exception {
        start(weights(1, 0, 0).withPool(new io.tidepool.backend.BackendPool.Settings(true, 8, java.time.Duration.ZERO, 0,
                List.of("ABORT", "DISCARD ALL"))));
        // Connections are pooled per event loop (the proxy runs one per core) and clients are spread
        // over the loops in turn: as many clients as loops, twice, meet every pooled connection again.
        int loops = Runtime.getRuntime().availableProcessors();
        Set<Integer> first = new HashSet<>();
        List<Connection> clients = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            Connection c = PgClients.jdbc(viaProxy);
            clients.add(c);
            try (Statement st = c.createStatement()) {
                st.execute("prepare leaky as select 1");
                st.execute("set work_mem = '3MB'");
                first.add(pid(st));
            }
        }
        for (Connection c : clients) {
            c.close();
        }
        clients.clear();
        Thread.sleep(500); // the reset runs after the clients left
        Set<Integer> second = new HashSet<>();
        try {
            for (int i = 0; i < loops; i++) {
                Connection c = PgClients.jdbc(viaProxy);
                clients.add(c);
                try (Statement st = c.createStatement()) {
                    second.add(pid(st));
                    try (ResultSet rs = st.executeQuery("/*NO LOAD BALANCE*/ select count(*) from pg_prepared_statements")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("the previous owner's prepared statement is gone").isZero();
                    }
                    try (ResultSet rs = st.executeQuery("/*NO LOAD BALANCE*/ show work_mem")) {
                        rs.next();
                        assertThat(rs.getString(1)).isNotEqualTo("3MB");
                    }
                }
            }
        } finally {
            for (Connection c : clients) {
                c.close();
            }
        }
        assertThat(second).as("the same server processes serve the next clients").isEqualTo(first);
    }

    @Test
    void connectionsThatRanSimpleQueriesArePooledToo() throws Exception {
        // psql speaks the simple protocol, where a Query ends in its own ReadyForQuery with no Sync:
        // both the primary's connection and the standby's (opened by the first read, with the SET
        // replayed on it) go back to the pool when psql leaves, and the next sessions get them.
        // The two functions are declared read-only, so the read is balanced at once rather than kept
        // on the primary until their volatility has been looked up.
        ServingSettings serving = weights(0, 1, 0).withPool(new io.tidepool.backend.BackendPool.Settings(true, 8,
                java.time.Duration.ZERO, 0, List.of("ABORT", "DISCARD ALL")));
        start(serving.withRouting(serving.routing().toBuilder().readOnlyFunctions("pg_backend_pid,current_setting").build()));
        int loops = Runtime.getRuntime().availableProcessors(); // one client per event loop, as above
        Set<String> first = psqlSessionPids(loops);
        Thread.sleep(500); // the reset runs after the clients left
        Set<String> second = psqlSessionPids(loops);

        assertThat(first).as("a primary and a standby process per session").hasSize(2 * loops);
        assertThat(second).as("the same server processes serve the next psql sessions").isEqualTo(first);
    }

    /** Runs {@code sessions} psql sessions one after another; each names its primary and standby process. */
    private Set<String> psqlSessionPids(int sessions) {
        Set<String> pids = new HashSet<>();
        for (int i = 0; i < sessions; i++) {
            CommandResult r = PgClients.psql(viaProxy, "set work_mem = '3MB'",
                    "select 'standby ' || current_setting('port') || ' ' || pg_backend_pid() || ' ' || current_setting('work_mem')",
                    "/*NO LOAD BALANCE*/ select 'primary ' || pg_backend_pid()").orThrow("psql through the proxy");
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines.get(0)).as("the read ran on node 1, with the session's SET")
                    .matches("standby " + pg.nodes().get(1).port() + " \\d+ 3MB");
            pids.addAll(lines);
        }
        return pids;
    }

    @Test
    void poolPoolsListsTheConnectionsWaitingInThePool() throws Exception {
        start(weights(1, 0, 0).withPool(new io.tidepool.backend.BackendPool.Settings(true, 8, java.time.Duration.ZERO, 0,
                List.of("ABORT", "DISCARD ALL"))));
        try (Connection watcher = PgClients.jdbc(viaProxy); Statement st = watcher.createStatement()) {
            int watcherPid = pid(st);
            int leaverPid;
            try (Connection leaver = PgClients.jdbc(viaProxy); Statement l = leaver.createStatement()) {
                leaverPid = pid(l);
            }
            // The session ends after the client left (until then its own row lists the backend),
            // the reset runs, then the connection waits in the pool.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Map<String, String> parked = poolPoolsRow(st, leaverPid);
            while ((parked == null || !parked.get("pool_connected").equals("0")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                parked = poolPoolsRow(st, leaverPid);
            }
            assertThat(parked).as("a row for the pooled connection of the client that left").isNotNull();
            String time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";
            assertThat(parked).containsEntry("pool_connected", "0").containsEntry("status", "Wait for connection")
                    .containsEntry("backend_id", "0").containsEntry("database", viaProxy.database())
                    .containsEntry("username", pg.cluster().superuser()).containsEntry("client_host", "");
            assertThat(parked.get("backend_connection_time")).matches(time);
            assertThat(parked.get("client_disconnection_time")).matches(time);
            assertThat(Integer.parseInt(parked.get("pool_counter"))).isPositive();
            assertThat(poolPoolsRow(st, watcherPid)).as("the asking session's own connection")
                    .containsEntry("pool_connected", "1").containsEntry("status", "Execute command");
        }
    }

    /** The SHOW pool_pools row of the connection to backend process {@code pid}, or null. */
    private static Map<String, String> poolPoolsRow(Statement st, int pid) throws SQLException {
        return PgClients.rows(st, "show pool_pools").stream()
                .filter(row -> row.get("pool_backendpid").equals(Integer.toString(pid))).findFirst().orElse(null);
    }

    private static int pid(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("/*NO LOAD BALANCE*/ select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // ------------------------------------------------------------------ admission

    @Test
    void fiftyClientsWithFourSlotsAllComplete() throws Exception {
        // The queue holds listen_backlog_multiplier x num_init_children clients: 12 x 4 = 48 > 46 waiting.
        start(weights(1, 1, 1).withLimits(4, 0, 12));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        // Sessions connected at once, as the clients see it: counted up once the proxy let a client
        // in (its login completed), down before it says goodbye. A queued client is let in only after
        // a served one said goodbye, so this never passes num_init_children if the limit holds.
        java.util.concurrent.atomic.AtomicInteger connected = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostConnected = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                done.add(pool.submit(() -> {
                    try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
                        mostConnected.accumulateAndGet(connected.incrementAndGet(), Math::max);
                        try (ResultSet rs = st.executeQuery("select count(*) from tp_items where id <= 5")) {
                            rs.next();
                            Thread.sleep(50);
                            return rs.getInt(1);
                        } finally {
                            connected.decrementAndGet();
                        }
                    }
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get(60, TimeUnit.SECONDS)).as("every client completes").isEqualTo(5);
            }
            assertThat(mostConnected.get()).as("sessions served at once: num_init_children").isBetween(2, 4);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withReservedConnectionsTheSurplusClientGetsTooManyClientsAfterTheSslAnswer() throws Exception {
        start(weights(1, 1, 1).withLimits(4, 1, 2));
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(PgClients.jdbc(viaProxy));
            }
            assertThatThrownBy(() -> PgClients.jdbc(viaProxy).close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
            CommandResult r = PgClients.psqlWithArgs(viaProxy,
                    List.of("-d", "dbname=" + viaProxy.database() + " sslmode=prefer", "-c", "select 1"), "");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.stderr()).contains("sorry, too many clients already").doesNotContain("SSL");
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    // ------------------------------------------------------------------ hostile

    @Test
    void aStandbyThatRefusesConnectionsCostsNoStatementAnErrorItsReadsGoElsewhere() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        List<BackendNode> nodes = List.of(new BackendNode(0, pg.primary().host(), pg.primary().port()),
                new BackendNode(1, "127.0.0.1", closedPort), new BackendNode(2, pg.nodes().get(2).host(), pg.nodes().get(2).port()));
        primaryPort = pg.primary().port();
        proxy = new ProxyServer(ProxySettings.loopback(0, nodes).streaming(statementLevel(0, 1, 0)));
        proxy.start();
        viaProxy = pg.primary().endpoint().withAddress("127.0.0.1", proxy.tcpAddress().getPort());
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            st.execute("set application_name = 'rescued'");
            // Node 1 takes every read by weight but refuses connections (down, not yet detected): the
            // read runs on the next choice, here the primary, and the session stays on it for node 1's share.
            for (int i = 0; i < 5; i++) {
                assertThat(port(st, "show port")).isEqualTo(primaryPort);
                try (ResultSet rs = st.executeQuery("show application_name")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("rescued");
                }
            }
        }
        // The extended protocol too: named statements, pipelined by pgJDBC, and a batch.
        try (Connection c = PgClients.jdbc(viaProxy);
             PreparedStatement ps = c.prepareStatement("select note from tp_items where id = ?")) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
            for (int i = 1; i <= 20; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("n" + i);
                }
            }
        }
        assertThat(selects(1)).as("no SELECT counted for the node that never ran one").isZero();
    }

    @Test
    void aStandbyDyingMidResultCostsThatStatementAnErrorAndTheSessionGoesOn() throws Exception {
        start(weights(0, 1, 0));
        int standbyPort = pg.nodes().get(1).port();
        try (Connection c = PgClients.jdbc(viaProxy); Statement st = c.createStatement()) {
            assertThat(port(st, "show port")).isEqualTo(standbyPort);
            // reads of tp_items reach the standby once pg_class told the table is an ordinary one
            for (int i = 0; i < 200 && selects(1) == 0; i++) {
                try (ResultSet rs = st.executeQuery("select a.id from tp_items a where a.id = 1")) {
                    rs.next();
                }
                Thread.sleep(10);
            }
            assertThat(selects(1)).isPositive();
            ExecutorService killer = Executors.newSingleThreadExecutor();
            try {
                Future<?> kill = killer.submit(() -> {
                    try (Connection direct = PgClients.jdbc(pg.nodes().get(1).endpoint()); Statement ds = direct.createStatement()) {
                        for (int i = 0; i < 200; i++) {
                            try (ResultSet rs = ds.executeQuery("select pg_terminate_backend(pid) from pg_stat_activity"
                                    + " where query like 'select a.id from tp_items a%'")) {
                                if (rs.next()) {
                                    return null;
                                }
                            }
                            Thread.sleep(20);
                        }
                    }
                    return null;
                });
                assertThatThrownBy(() -> {
                    try (ResultSet rs = st.executeQuery("select a.id from tp_items a, tp_items b")) {
                        while (rs.next()) {
                            // stream until the node goes
                        }
                    }
                }).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006"));
                kill.get(30, TimeUnit.SECONDS);
            } finally {
                killer.shutdownNow();
            }
            // The session continues: reads now go where they can (the standby is gone for it).
            try (ResultSet rs = st.executeQuery("select count(*) from tp_items where id <= 3")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
            assertThat(port(st, "show port")).isNotEqualTo(standbyPort);
        }
    }
}
