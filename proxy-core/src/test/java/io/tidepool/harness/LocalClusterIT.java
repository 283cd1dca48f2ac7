package io.tidepool.harness;

import io.tidepool.ops.local.AuthMethod;
import io.tidepool.ops.local.CommandResult;
import io.tidepool.ops.local.LocalCluster;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.ServerUser;
import io.tidepool.server.ShutdownMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void killedStandbyStreamsAgainAfterRestart() {
        try (LocalCluster cluster = TestClusters.fresh(2)) {
            LocalNode standby = cluster.standby(2);
            long oldPid = standby.postmasterPid().orElseThrow();

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
    void promotedStandbyAcceptsWrites() {
        try (LocalCluster cluster = TestClusters.fresh(1)) {
            cluster.primary().kill();

            cluster.standby(1).promote();

            assertThat(cluster.standby(1).isInRecovery()).isFalse();
            cluster.standby(1).execute("create table written_after_promotion (i int)");
            assertThat(cluster.findPrimary()).contains(cluster.standby(1));
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
        try {
            assertThat(reopened.nodes()).allMatch(node -> !node.isRunning());
            reopened.start();
            assertThat(reopened.primary().queryValue("select i from kept")).contains("5");
            assertThat(reopened.primary().query("select application_name, state from pg_stat_replication"))
                    .containsExactly(List.of("node1", "streaming"));
        } finally {
            reopened.destroy();
        }
        assertThat(dir).doesNotExist();
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
