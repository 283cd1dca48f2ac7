package io.tidepool.harness;

import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgBinaries;
import io.tidepool.ops.local.ServerUser;
import io.tidepool.server.ShutdownMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The harness itself, against real PostgreSQL servers: streaming, failure controls, cleanup. */
class LocalClusterIT {

    @RegisterExtension
    static final PgClusterExtension shared = PgClusterExtension.shared(2);

    @Test
    void everyStandbyStreamsFromThePrimaryUnderItsNodeName() {
        LocalCluster cluster = shared.cluster();

        List<List<String>> replication = cluster.primary()
                .query("select application_name, state from pg_stat_replication order by application_name");

        assertThat(replication).containsExactly(List.of("node1", "streaming"), List.of("node2", "streaming"));
        assertThat(cluster.primary().isInRecovery()).isFalse();
        assertThat(cluster.standby(1).isInRecovery()).isTrue();
        assertThat(cluster.standby(2).isInRecovery()).isTrue();
    }

    /**
     * Without synchronous commit a commit reaches the standbys at the WAL writer's next flush; the
     * harness and the demo flush every 10 ms instead of 200, so a read on a standby right after a
     * write does not miss it for a fifth of a second.
     */
    @Test
    void everyNodeFlushesItsWalEveryTenMilliseconds() {
        for (LocalNode node : shared.cluster().nodes()) {
            assertThat(node.queryValue("show synchronous_commit")).as("on %s", node).contains("off");
            assertThat(node.queryValue("show wal_writer_delay")).as("on %s", node).contains("10ms");
        }
    }

    @Test
    void rowWrittenOnThePrimaryAppearsOnBothStandbys() {
        LocalCluster cluster = shared.cluster();
        cluster.primary().execute("create table replicated_row (id int primary key, note text);"
                + "insert into replicated_row values (1, 'from the primary')");
        try {
            cluster.awaitCaughtUp();

            for (LocalNode standby : cluster.standbys()) {
                assertThat(standby.queryValue("select note from replicated_row where id = 1"))
                        .as("on %s", standby).contains("from the primary");
            }
        } finally {
            cluster.primary().execute("drop table replicated_row");
        }
    }

    @Test
    void standbyRejectsWritesWithReadOnlyTransactionSqlstate() throws SQLException {
        try (Connection connection = shared.standby(1).connect()) {
            assertThatThrownBy(() -> connection.createStatement().execute("create table must_fail (i int)"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25006");
        }
    }

    @Test
    void nodesListenOnLoopbackWithTheirSocketInTheClusterDirectory() {
        LocalNode primary = shared.primary();

        assertThat(primary.queryValue("show listen_addresses")).contains("127.0.0.1");
        assertThat(primary.queryValue("show port")).contains(Integer.toString(primary.port()));
        assertThat(Path.of(primary.queryValue("show unix_socket_directories").orElseThrow()))
                .isEqualTo(primary.socketDirectory());
        assertThat(primary.socketDirectory().resolve(".s.PGSQL." + primary.port())).exists();
        assertThat(primary.queryValue("show wal_log_hints")).contains("on");
        assertThat(primary.logFile()).isNotEmptyFile();
        CommandResult overSocket = PgClients.psql(primary.socketEndpoint(), "select inet_server_addr() is null");
        assertThat(overSocket.stdout().trim()).as(overSocket.describe()).isEqualTo("t");
    }

    @Test
    void locatedBinariesAreTheServersAndTheClientsBesideThem() {
        PgBinaries binaries = PgBinaries.locate();

        assertThat(shared.primary().queryValue("show server_version_num").map(Integer::parseInt).orElseThrow() / 10000)
                .isEqualTo(binaries.majorVersion());
        assertThat(binaries.initdb()).isExecutable();
        assertThat(binaries.pgBasebackup()).isExecutable();
        assertThat(binaries.psql()).isExecutable();
        assertThat(binaries.pgbench()).isExecutable();
        assertThat(binaries.pgRewind()).isExecutable();
    }

    @Test
    void serversRunAsAnOrdinaryUserWhenTheTestsRunAsRoot() {
        ServerUser user = shared.cluster().serverUser();
        ProcessHandle postmaster = ProcessHandle.of(shared.primary().postmasterPid().orElseThrow()).orElseThrow();

        Optional<String> owner = postmaster.info().user();
        assertThat(owner).contains(user.name());
        if (user.isSwitched()) {
            assertThat(owner).isNotEqualTo(Optional.of("root"));
        }
    }

    @Test
    void psqlAndPgbenchRunAgainstThePrimary() {
        LocalNode primary = shared.primary();

        CommandResult select = PgClients.psql(primary.endpoint(), "select 40 + 2");
        assertThat(select.exitCode()).as(select.describe()).isZero();
        assertThat(select.stdout().trim()).isEqualTo("42");

        CommandResult failing = PgClients.psql(primary.endpoint(), "select * from no_such_table");
        assertThat(failing.exitCode()).as(failing.describe()).isEqualTo(1);
        assertThat(failing.stderr()).contains("no_such_table").contains("does not exist");

        primary.execute("create database pgbench_harness");
        try {
            var bench = primary.endpoint().withDatabase("pgbench_harness");
            PgClients.pgbench(bench, "-i", "-s", "1", "-q").orThrow("pgbench -i");
            CommandResult run = PgClients.pgbench(bench, "-S", "-c", "2", "-t", "50", "--protocol=extended").orThrow("pgbench");
            assertThat(PgClients.tps(run)).as(run.describe()).isPresent();
            assertThat(run.stdout()).contains("number of transactions actually processed: 100/100");
        } finally {
            primary.execute("drop database pgbench_harness with (force)");
        }
    }

    /**
     * Kills a standby of the shared cluster on purpose: the test ends with the standby streaming
     * again, as the cluster was. Should it fail halfway, {@link TestClusters} finds the cluster
     * damaged and replaces it before the next test.
     */
    @Test
    void killedStandbyStreamsAgainAfterRestart() {
        LocalCluster cluster = shared.cluster();
        LocalNode standby = cluster.standby(2);
        long oldPid = standby.postmasterPid().orElseThrow();
        try {
            standby.kill();

            assertThat(standby.isRunning()).isFalse();
            assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            cluster.primary().execute("create table after_kill (i int); insert into after_kill values (7)");

            standby.start();
            cluster.awaitStreaming();
            cluster.awaitCaughtUp();

            assertThat(standby.queryValue("select i from after_kill")).contains("7");
            assertThat(cluster.primary().query("select state from pg_stat_replication where application_name = 'node2'"))
                    .containsExactly(List.of("streaming"));
        } finally {
            cluster.primary().execute("drop table if exists after_kill");
        }
    }

    @Test
    void stoppedPrimaryKeepsItsDataAndStandbysReconnectAfterStart() {
        try (LocalCluster cluster = TestClusters.fresh(1)) {
            LocalNode primary = cluster.primary();
            int port = primary.port();
            primary.execute("create table survives (i int); insert into survives values (1)");

            primary.stop(ShutdownMode.FAST);
            assertThat(primary.isRunning()).isFalse();
            assertThatThrownBy(() -> primary.query("select 1")).hasMessageContaining("SQL on node node0");

            primary.start();
            cluster.awaitStreaming();

            assertThat(primary.port()).isEqualTo(port);
            assertThat(primary.queryValue("select count(*) from survives")).contains("1");
            primary.restart();
            cluster.awaitStreaming();
            assertThat(cluster.primary().query("select application_name, state from pg_stat_replication"))
                    .containsExactly(List.of("node1", "streaming"));
        }
    }

    @Test
    void formerPrimaryIsRewoundIntoAStandbyOfThePromotedNode() {
        try (LocalCluster cluster = TestClusters.fresh(2)) {
            LocalNode formerPrimary = cluster.primary();
            LocalNode promoted = cluster.standby(1);
            LocalNode other = cluster.standby(2);
            formerPrimary.execute("create table across_failover (i int); insert into across_failover values (1)");
            cluster.awaitCaughtUp();

            formerPrimary.kill();
            promoted.promote();
            other.followPrimary(promoted);
            cluster.awaitStreaming(promoted, List.of(other));
            promoted.execute("insert into across_failover values (2)");
            formerPrimary.rewind(promoted);
            formerPrimary.start();

            cluster.awaitStreaming(promoted, List.of(formerPrimary, other));
            cluster.awaitCaughtUp(promoted, List.of(formerPrimary, other));
            assertThat(cluster.findPrimary()).contains(promoted);
            assertThat(formerPrimary.isInRecovery()).isTrue();
            assertThat(formerPrimary.port()).isEqualTo(formerPrimary.queryValue("show port").map(Integer::parseInt).orElseThrow());
            assertThat(formerPrimary.queryValue("select sum(i) from across_failover")).contains("3");
            assertThat(other.queryValue("select sum(i) from across_failover")).contains("3");
        }
    }

    @Test
    void killedPrimaryIsRebuiltAsAStandbyOfThePromotedNode() {
        try (LocalCluster cluster = TestClusters.fresh(1)) {
            LocalNode formerPrimary = cluster.primary();
            LocalNode promoted = cluster.standby(1);
            formerPrimary.kill();

            promoted.promote();
            promoted.execute("create table written_after_promotion (i int)");
            formerPrimary.rebuildAsStandbyOf(promoted);

            cluster.awaitStreaming(promoted, List.of(formerPrimary));
            assertThat(promoted.isInRecovery()).isFalse();
            assertThat(formerPrimary.isInRecovery()).isTrue();
            assertThat(formerPrimary.query("select 1 from written_after_promotion")).isEmpty();
        }
    }

    @Test
    void clusterBuiltWithScramEverywhereAndChecksumsStreams() {
        try (LocalCluster cluster = TestClusters.fresh(1, b -> b.auth(AuthMethod.SCRAM_SHA_256).dataChecksums(true)
                .superuser("admin", "s3cret").replicationUser("streamer", "str34m"))) {
            LocalNode primary = cluster.primary();

            assertThat(primary.query("select usename, application_name, state from pg_stat_replication"))
                    .containsExactly(List.of("streamer", "node1", "streaming"));
            assertThat(primary.queryValue("show data_checksums")).contains("on");
            assertThat(primary.queryValue("select current_user")).contains("admin");
            CommandResult noPassword = PgClients.psql(primary.endpoint().withUser("admin", ""), "select 1");
            assertThat(noPassword.exitCode()).as(noPassword.describe()).isEqualTo(2);
            assertThat(noPassword.stderr()).contains("password");
        }
    }

    @Test
    void hbaMethodChangeIsEnforcedAfterReload() throws SQLException {
        try (LocalCluster cluster = TestClusters.fresh(0)) {
            cluster.createUser("alice", "wonderland");
            cluster.createDatabase("alice_db", "alice");
            LocalNode primary = cluster.primary();

            cluster.setHbaMethod(AuthMethod.TRUST, AuthMethod.SCRAM_SHA_256);

            assertThatThrownBy(() -> primary.connect("alice", "wrong", "alice_db").close())
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
            try (Connection alice = primary.connect("alice", "wonderland", "alice_db")) {
                assertThat(alice.getMetaData().getUserName()).isEqualTo("alice");
            }
            CommandResult viaPsql = PgClients.psql(primary.endpoint().withUser("alice", "wonderland")
                    .withDatabase("alice_db"), "select current_user");
            assertThat(viaPsql.stdout().trim()).as(viaPsql.describe()).isEqualTo("alice");
        }
    }

    @Test
    void closeLeavesNoServerProcessAndNoDirectory() {
        LocalCluster cluster = TestClusters.fresh(1);
        Path base = cluster.baseDirectory();
        List<ProcessHandle> processes = new ArrayList<>();
        for (LocalNode node : cluster.nodes()) {
            ProcessHandle postmaster = ProcessHandle.of(node.postmasterPid().orElseThrow()).orElseThrow();
            processes.add(postmaster);
            postmaster.descendants().forEach(processes::add);
        }
        assertThat(processes).hasSizeGreaterThan(4);

        cluster.close();

        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(base).doesNotExist();
        assertThat(cluster.isDestroyed()).isTrue();
    }

    @Test
    void clusterInAGivenDirectoryIsStoppedByCloseAndReopened(@TempDir Path scratch) throws Exception {
        Path dir = Files.createDirectories(scratch.resolve("demo"));
        // @TempDir is private to root; the server user must be able to reach the cluster directory.
        Files.setPosixFilePermissions(scratch, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (LocalCluster first = LocalCluster.builder().directory(dir).standbys(1).build()) {
            first.primary().execute("create table kept (i int); insert into kept values (5)");
        }
        assertThat(LocalCluster.exists(dir)).isTrue();

        LocalCluster reopened = LocalCluster.open(dir);
        int formerPrimaryPort = reopened.primary().port();
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(formerPrimaryPort, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(squatter.isBound()).isTrue();
            assertThat(reopened.nodes()).allMatch(node -> !node.isRunning());

            reopened.start();

            assertThat(reopened.primary().port()).as("moved off the taken port").isNotEqualTo(formerPrimaryPort);
            assertThat(reopened.primary().queryValue("select i from kept")).contains("5");
            assertThat(reopened.primary().query("select application_name, state from pg_stat_replication"))
                    .containsExactly(List.of("node1", "streaming"));
            assertThat(LocalCluster.open(dir).primary().port()).as("saved").isEqualTo(reopened.primary().port());
        } finally {
            reopened.destroy();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void clusterOfAJvmEndedBySigtermIsDestroyedByTheShutdownHook() throws Exception {
        Process child = startClusterHoldingJvm();
        try {
            String[] ready = awaitReady(child);
            Path base = Path.of(ready[1]);
            ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(ready[2])).orElseThrow();

            child.destroy(); // SIGTERM
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(postmaster.isAlive()).isFalse();
            assertThat(base).doesNotExist();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void clusterOfAKilledJvmIsRemovedByTheNextSweep() throws Exception {
        Process child = startClusterHoldingJvm();
        String[] ready;
        try {
            ready = awaitReady(child);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor(60, TimeUnit.SECONDS);
        }
        Path base = Path.of(ready[1]);
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(ready[2])).orElseThrow();
        assertThat(postmaster.isAlive()).as("the server outlives a killed JVM").isTrue();

        List<Path> removed = LocalCluster.removeAbandonedTemporaryClusters();

        assertThat(removed).contains(base);
        assertThat(postmaster.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(base).doesNotExist();
        assertThat(shared.cluster().baseDirectory()).as("clusters of live JVMs stay").exists();
    }

    @Test
    void rootWithoutAPostgresUserRunsTheServersAsADedicatedUser() throws Exception {
        assumeTrue(ServerUser.forThisProcess().isSwitched(), "only a root JVM switches users");
        Process child = startClusterHoldingJvm("-D" + ServerUser.USER_PROPERTY + "=tidepool-pg");
        try {
            String[] ready = awaitReady(child);
            ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(ready[2])).orElseThrow();

            assertThat(postmaster.info().user()).contains("tidepool-pg");
            CommandResult passwd = io.tidepool.ops.local.ExternalCommand.of("getent", "passwd", "tidepool-pg").run();
            assertThat(passwd.stdout()).contains("/usr/sbin/nologin");
        } finally {
            child.destroy();
            child.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static Process startClusterHoldingJvm(String... jvmOptions) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> argv = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        argv.addAll(List.of(jvmOptions));
        String tmp = System.getProperty(LocalCluster.TMPDIR_PROPERTY);
        if (tmp != null) {
            argv.add("-D" + LocalCluster.TMPDIR_PROPERTY + "=" + tmp);
        }
        argv.add(ClusterHoldingMain.class.getName());
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    /** The child's {@code READY <dir> <pid>} line, split; fails with everything it printed otherwise. */
    private static String[] awaitReady(Process child) throws Exception {
        CompletableFuture<String[]> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder printed = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        return line.split(" ");
                    }
                    printed.append(line).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new AssertionError("child JVM ended without a cluster:\n" + printed);
        });
        return ready.get(120, TimeUnit.SECONDS);
    }

    @Test
    void abandonedTemporaryClusterOfADeadJvmIsRemoved() throws Exception {
        Path tmp = Path.of(System.getProperty(LocalCluster.TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        // A pid that cannot belong to a live process on Linux (pid_max is at most 2^22).
        Path stale = Files.createDirectories(tmp.resolve(LocalCluster.TEMPORARY_PREFIX + "99999999-test"));
        Files.writeString(stale.resolve("leftover"), "x");

        List<Path> removed = LocalCluster.removeAbandonedTemporaryClusters();

        assertThat(removed).contains(stale);
        assertThat(stale).doesNotExist();
        assertThat(shared.cluster().baseDirectory()).exists();
    }
}
