package io.tidepool.server;

import io.tidepool.backend.BackendNode;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgEndpoint;
import io.netty.buffer.PooledByteBufAllocator;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.testing.Bytes;
import io.tidepool.testing.LeakDetection;
import io.tidepool.testing.PeerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real clients (psql, pgbench, pgJDBC) through the raw-mode proxy to a real PostgreSQL
 * primary with two standbys: the session goes to node 0, the first node that is up.
 */
@ExtendWith(LeakDetection.class)
class RawModeProxyIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path socketDirectory;

    private ProxyServer proxy;
    private PgEndpoint viaProxy;

    @BeforeEach
    void startProxy() throws Exception {
        List<BackendNode> nodes = pg.nodes().stream()
                .map(node -> new BackendNode(pg.nodes().indexOf(node), node.host(), node.port()))
                .toList();
        proxy = new ProxyServer(ProxySettings.loopback(0, nodes).withUnixSocketDirectories(List.of(socketDirectory)));
        proxy.start();
        viaProxy = pg.primary().endpoint().withAddress("127.0.0.1", proxy.tcpAddress().getPort());
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.stop(ShutdownMode.FAST).get(30, TimeUnit.SECONDS);
    }

    @Test
    void psqlRunsStatementsThroughTheProxyOnTheFirstNode() {
        CommandResult result = PgClients.psql(viaProxy, "select 40 + 2", "select pg_is_in_recovery()",
                "select current_setting('port')");
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout().lines().toList())
                .containsExactly("42", "f", Integer.toString(pg.primary().port()));
    }

    @Test
    void psqlConnectsThroughTheUnixSocket() {
        PgEndpoint viaSocket = viaProxy.withAddress(socketDirectory.toString(), proxy.tcpAddress().getPort());
        CommandResult result = PgClients.psql(viaSocket, "select 'over the socket'");
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout().trim()).isEqualTo("over the socket");
    }

    @Test
    void aBackendConfiguredByItsSocketDirectoryIsReachedOverTheUnixSocket() throws Exception {
        BackendNode overSocket = new BackendNode(0, pg.primary().socketDirectory().toString(), pg.primary().port());
        try (ProxyServer socketProxy = new ProxyServer(ProxySettings.loopback(0, List.of(overSocket)))) {
            socketProxy.start();
            PgEndpoint endpoint = viaProxy.withAddress("127.0.0.1", socketProxy.tcpAddress().getPort());
            CommandResult result = PgClients.psql(endpoint,
                    "select coalesce(inet_client_addr()::text, 'unix socket')");
            assertThat(result.exitCode()).as(result.describe()).isZero();
            assertThat(result.stdout().trim()).isEqualTo("unix socket");
        }
    }

    @Test
    void psqlReportsAnSqlErrorAndTheSessionGoesOn() {
        CommandResult result = PgClients.psqlWithArgs(viaProxy, List.of("-At"), "select 1/0;\nselect 'still here';\n");
        assertThat(result.stderr()).contains("division by zero");
        assertThat(result.stdout().trim()).isEqualTo("still here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended", "prepared"})
    void pgbenchRunsThroughTheProxyInEveryProtocol(String protocol) {
        PgEndpoint bench = viaProxy.withDatabase(database("raw_bench"));
        PgClients.pgbench(bench, "-i", "-s", "1", "-q").orThrow("pgbench -i through the proxy");
        CommandResult run = PgClients.pgbench(bench, "--protocol=" + protocol, "-c", "4", "-j", "2", "-T", "5");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).contains("number of failed transactions: 0");
        assertThat(PgClients.tps(run)).isPresent();
    }

    @Test
    void jdbcServerPreparedStatementsWorkAfterThePrepareThreshold() throws Exception {
        try (Connection connection = PgClients.jdbc(viaProxy);
                PreparedStatement statement = connection.prepareStatement("select ?::int * 2")) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(3);
            for (int i = 0; i < 10; i++) {
                statement.setInt(1, i);
                try (ResultSet rows = statement.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).isEqualTo(i * 2);
                }
            }
            assertThat(statement.unwrap(PGStatement.class).isUseServerPrepare()).isTrue();
        }
    }

    @Test
    void jdbcBatchInsertsEveryRow() throws Exception {
        try (Connection connection = PgClients.jdbc(viaProxy); Statement ddl = connection.createStatement()) {
            ddl.execute("drop table if exists raw_batch; create table raw_batch(i int primary key, t text)");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("insert into raw_batch values (?, ?)")) {
                for (int i = 0; i < 500; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row " + i);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).hasSize(500).containsOnly(1);
            }
            connection.commit();
            try (ResultSet rows = ddl.executeQuery("select count(*), sum(i) from raw_batch")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(500);
                assertThat(rows.getLong(2)).isEqualTo(499L * 500 / 2);
            }
        }
    }

    @Test
    void jdbcCopyInAndOutCarryEveryByte() throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            csv.append(i).append(",name ").append(i).append('\n');
        }
        try (Connection connection = PgClients.jdbc(viaProxy); Statement ddl = connection.createStatement()) {
            ddl.execute("drop table if exists raw_copy; create table raw_copy(i int, name text)");
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            long copiedIn = copy.copyIn("copy raw_copy from stdin with (format csv)", new StringReader(csv.toString()));
            assertThat(copiedIn).isEqualTo(20_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long copiedOut = copy.copyOut("copy (select * from raw_copy order by i) to stdout with (format csv)", out);
            assertThat(copiedOut).isEqualTo(20_000);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(csv.toString());
        }
    }

    @Test
    void jdbcCancelStopsTheRunningStatementOnly() throws Exception {
        try (Connection connection = PgClients.jdbc(viaProxy); Statement sleeper = connection.createStatement()) {
            CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    sleeper.execute("select pg_sleep(60)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            // Cancel once the statement is really running on the server.
            awaitRunning("select pg_sleep(60)");
            sleeper.cancel();
            SQLException error = outcome.get(20, TimeUnit.SECONDS);
            assertThat((Object) error).as("the statement should fail").isNotNull();
            assertThat(error.getSQLState()).isEqualTo("57014");
            // The session survived the cancel.
            try (ResultSet rows = sleeper.executeQuery("select 'alive'")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("alive");
            }
        }
    }

    @Test
    void listenNotifyDeliversNotificationsThroughTheProxy() throws Exception {
        try (Connection listener = PgClients.jdbc(viaProxy); Connection notifier = PgClients.jdbc(viaProxy);
                Statement listen = listener.createStatement(); Statement notify = notifier.createStatement()) {
            listen.execute("listen raw_channel");
            notify.execute("notify raw_channel, 'hello through tidepool'");
            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(notifications).isNotNull().hasSize(1);
            assertThat(notifications[0].getName()).isEqualTo("raw_channel");
            assertThat(notifications[0].getParameter()).isEqualTo("hello through tidepool");
        }
    }

    @Test
    void largeResultOfOneHundredThousandRowsArrivesWhole() throws Exception {
        try (Connection connection = PgClients.jdbc(viaProxy); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select i, repeat('x', 100) from generate_series(1, 100000) as i")) {
            long count = 0;
            long sum = 0;
            while (rows.next()) {
                count++;
                sum += rows.getInt(1);
                assertThat(rows.getString(2)).hasSize(100);
            }
            assertThat(count).isEqualTo(100_000);
            assertThat(sum).isEqualTo(100_000L * 100_001 / 2);
        }
    }

    @Test
    void serverTerminatingTheBackendReachesTheClientAsItsOwnError() throws Exception {
        try (Connection victim = PgClients.jdbc(viaProxy); Statement statement = victim.createStatement()) {
            int pid;
            try (ResultSet rows = statement.executeQuery("select pg_backend_pid()")) {
                rows.next();
                pid = rows.getInt(1);
            }
            pg.primary().execute("select pg_terminate_backend(" + pid + ")");
            assertThatThrownBy(() -> statement.executeQuery("select 1"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006"));
        }
        // The proxy cleaned the session up.
        for (int i = 0; i < 100 && proxy.sessionCount() > 0; i++) {
            Thread.sleep(20);
        }
        assertThat(proxy.sessionCount()).isZero();
    }

    @Test
    void functionCallsOfTheLargeObjectApiPassThrough() throws Exception {
        byte[] content = "large object through the fast-path FunctionCall message".getBytes(StandardCharsets.UTF_8);
        try (Connection connection = PgClients.jdbc(viaProxy)) {
            connection.setAutoCommit(false);
            LargeObjectManager objects = connection.unwrap(PGConnection.class).getLargeObjectAPI();
            long oid = objects.createLO();
            try (LargeObject object = objects.open(oid, LargeObjectManager.WRITE)) {
                object.write(content);
            }
            try (LargeObject object = objects.open(oid, LargeObjectManager.READ)) {
                assertThat(object.read(content.length)).isEqualTo(content);
            }
            objects.delete(oid);
            connection.commit();
        }
    }

    @Test
    void noticesAndParameterStatusReachTheClient() throws Exception {
        try (Connection connection = PgClients.jdbc(viaProxy); Statement statement = connection.createStatement()) {
            statement.execute("do $$ begin raise notice 'a notice through the proxy'; end $$");
            java.sql.SQLWarning warning = statement.getWarnings();
            assertThat((Object) warning).as("the notice as a warning").isNotNull();
            assertThat(warning.getMessage()).contains("a notice through the proxy");
            statement.execute("set application_name = 'renamed'");
            assertThat(connection.getClientInfo("ApplicationName")).isEqualTo("renamed");
        }
    }

    @Test
    void aClientThatStopsReadingHoldsTheServerBackInsteadOfFillingMemory() throws Exception {
        long before = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        try (PeerSocket client = PeerSocket.connect(proxy.tcpAddress())) {
            client.sendStartup("postgres", "postgres");
            client.readUntilReady();
            // About 200 MB of rows for a client that reads none of them for a while.
            client.send(Bytes.written(new Query("select repeat('x', 1000) from generate_series(1, 200000)")::encode));
            Thread.sleep(2_000);
            long held = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - before;
            assertThat(held).as("direct memory held by the proxy").isLessThan(64L << 20);
            long rows = 0;
            while (true) {
                PeerSocket.Message message = client.readMessage();
                if (message.type() == 'D') {
                    rows++;
                } else if (message.type() == 'Z') {
                    break;
                }
            }
            assertThat(rows).isEqualTo(200_000);
        }
    }

    private void awaitRunning(String query) throws InterruptedException {
        LocalNode primary = pg.primary();
        for (int i = 0; i < 200; i++) {
            if (primary.queryValue("select count(*) from pg_stat_activity where state = 'active' and query = "
                    + "'" + query.replace("'", "''") + "'").orElse("0").equals("1")) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the statement never started running: " + query);
    }

    private static String database(String name) {
        if (pg.primary().queryValue("select 1 from pg_database where datname = '" + name + "'").isEmpty()) {
            pg.primary().execute("create database " + name);
        }
        return name;
    }
}
