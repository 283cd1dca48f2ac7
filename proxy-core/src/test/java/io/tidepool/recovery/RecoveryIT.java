package io.tidepool.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.harness.TestSshd;
import io.tidepool.ops.Cancellation;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.ops.ssh.OutputListener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Built-in online recovery on a real cluster (primary + 2 standbys, new for each test), every
 * host reached through a real sshd as the PostgreSQL OS user.
 */
class RecoveryIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    private static TestSshd sshd;

    @BeforeAll
    static void startSshd() {
        sshd = TestSshd.start();
        sshd.trustHostKey();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private TestRecoveryCluster proxyView(int primary, Map<String, String> extra) {
        Map<String, String> values = RecoveryConfigs.settings(pg.cluster(), sshd);
        values.putAll(extra);
        return new TestRecoveryCluster(RecoveryConfigs.config(values), primary);
    }

    /** Kills node0, promotes node1, points node2 at it, and writes on the new timeline. */
    private void failover() {
        pg.primary().execute("create table before_failover (id int); insert into before_failover values (1)");
        pg.cluster().awaitCaughtUp();
        pg.primary().kill();
        pg.standby(1).promote();
        pg.standby(2).followPrimary(pg.standby(1));
        pg.standby(1).execute("create table after_failover (id int); insert into after_failover values (2)");
    }

    @Test
    void oldPrimaryRejoinsAsStandbyOfTheNewPrimaryThroughPgRewind() throws Exception {
        failover();
        TestRecoveryCluster proxy = proxyView(1, Map.of());
        proxy.status(0, NodeStatus.DOWN);
        List<String> lines = new CopyOnWriteArrayList<>();

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            RecoveryPlan dryRun = recovery.plan(0);
            assertThat(dryRun.method()).isEqualTo(RecoveryMethod.REWIND);
            assertThat(pg.primary().isRunning()).as("a dry run changes nothing").isFalse();
            assertThat(dryRun.fallback()).map(RecoveryPlan::method).contains(RecoveryMethod.BASEBACKUP);

            RecoveryPlan ran = recovery.recover(0, collect(lines), Cancellation.none());

            assertThat(ran.method()).isEqualTo(RecoveryMethod.REWIND);
        }
        assertRecoveredStandby(proxy, pg.primary(), pg.standby(1));
        assertThat(lines).anyMatch(l -> l.contains("pg_rewind"));
        assertThat(proxy.events).noneMatch(e -> e.message().contains("trying pg_basebackup"));
    }

    @Test
    void oldPrimaryIsRebuiltWithPgBasebackupWhenRewindIsImpossible() throws Exception {
        // pg_rewind needs wal_log_hints or checksums on the rewound server: turn them off there.
        pg.primary().execute("ALTER SYSTEM SET wal_log_hints = off");
        pg.primary().restart();
        pg.cluster().awaitStreaming();
        failover();
        TestRecoveryCluster proxy = proxyView(1, Map.of());
        proxy.status(0, NodeStatus.DOWN);

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            RecoveryPlan dryRun = recovery.plan(0);
            assertThat(dryRun.method()).isEqualTo(RecoveryMethod.BASEBACKUP);
            assertThat(dryRun.reasons()).anyMatch(r -> r.contains("wal_log_hints"));

            recovery.recover(0, RecoveryListener.none(), Cancellation.none());
        }
        assertRecoveredStandby(proxy, pg.primary(), pg.standby(1));
        assertThat(leftoversNextTo(pg.primary().dataDirectory())).as("old directory removed after success").isEmpty();
    }

    @Test
    void standbyWhoseDataDirectoryWasDeletedIsRebuilt() throws Exception {
        LocalNode standby = pg.standby(2);
        standby.stop();
        deleteTree(standby.dataDirectory());
        pg.primary().execute("create table while_away (id int); insert into while_away values (3)");
        TestRecoveryCluster proxy = proxyView(0, Map.of());
        proxy.status(2, NodeStatus.DOWN);

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            RecoveryPlan ran = recovery.recover(2, RecoveryListener.none(), Cancellation.none());

            assertThat(ran.method()).isEqualTo(RecoveryMethod.BASEBACKUP);
            assertThat(ran.reasons()).anyMatch(r -> r.contains("does not exist"));
        }
        assertRecoveredStandby(proxy, standby, pg.primary());
        assertThat(standby.queryValue("select count(*) from while_away")).contains("1");
    }

    @Test
    void brandNewNodeAddedByReloadIsBuiltAndAttached() throws Exception {
        TestRecoveryCluster proxy = proxyView(0, Map.of());
        int port = freePort();
        Path dataDirectory = pg.cluster().baseDirectory().resolve("node3").resolve("data");
        Map<String, String> reloaded = RecoveryConfigs.settings(pg.cluster(), sshd);
        RecoveryConfigs.addBackend(reloaded, 3, port, dataDirectory, "node3");
        proxy.reload(RecoveryConfigs.config(reloaded));
        assertThat(proxy.status(3)).isEqualTo(NodeStatus.DOWN);

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            recovery.recover(3, RecoveryListener.none(), Cancellation.none());
        }

        assertThat(proxy.status(3)).isEqualTo(NodeStatus.UP);
        PgEndpoint newNode = new PgEndpoint(LocalNode.HOST, port, pg.cluster().superuser(), pg.cluster().superuserPassword(),
                "postgres");
        try (Connection c = LocalNode.connect(newNode); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select pg_is_in_recovery()")) {
            r.next();
            assertThat(r.getBoolean(1)).isTrue();
        }
        assertThat(pg.primary().queryValue("select state from pg_stat_replication where application_name = 'node3'"))
                .contains("streaming");
    }

    @Test
    void droppedSshConnectionFailsClearlyAndLeavesTheNodeRecoverable() throws Exception {
        LocalNode standby = pg.standby(2);
        standby.stop();
        // A throttled copy is still running when the sessions are killed on its first output line.
        TestRecoveryCluster proxy = proxyView(0, Map.of("recovery_method", "basebackup",
                "recovery_basebackup_options", "--max-rate=32k"));
        proxy.status(2, NodeStatus.DOWN);
        AtomicBoolean killed = new AtomicBoolean();
        RecoveryListener killer = new RecoveryListener() {
            @Override
            public void output(PlanStep step, OutputListener.Stream stream, String line) {
                if (step.title().contains("pg_basebackup") && killed.compareAndSet(false, true)) {
                    CompletableFuture.runAsync(sshd::killSessions);
                }
            }
        };

        try (OnlineRecovery recovery = new OnlineRecovery(proxy)) {
            assertThatThrownBy(() -> recovery.recover(2, killer, Cancellation.none()))
                    .isInstanceOfSatisfying(RecoveryException.class, e -> {
                        assertThat(e.getMessage()).contains("\"copy the primary with pg_basebackup\"")
                                .contains("ssh " + sshd.user() + "@127.0.0.1:" + sshd.port()).contains("was lost");
                        assertThat(e.failedStep()).map(PlanStep::title).contains("copy the primary with pg_basebackup");
                        assertThat(e.detail()).contains("node 2 stays detached")
                                .contains("previous data directory is back in place");
                    });
            assertThat(killed).isTrue();
            assertThat(proxy.status(2)).isEqualTo(NodeStatus.DOWN);
            assertThat(proxy.kinds()).contains(RecoveryEvent.Kind.RECOVERY_FAILED)
                    .doesNotContain(RecoveryEvent.Kind.RECOVERY_SUCCEEDED);
            assertThat(standby.dataDirectory().resolve("PG_VERSION")).exists();
            assertThat(leftoversNextTo(standby.dataDirectory())).isEmpty();

            proxy.reload(RecoveryConfigs.config(RecoveryConfigs.settings(pg.cluster(), sshd)));
            recovery.recover(2, RecoveryListener.none(), Cancellation.none());
        }
        assertRecoveredStandby(proxy, standby, pg.primary());
    }

    private static RecoveryListener collect(List<String> lines) {
        return new RecoveryListener() {
            @Override
            public void output(PlanStep step, OutputListener.Stream stream, String line) {
                lines.add(line);
            }
        };
    }

    private void assertRecoveredStandby(TestRecoveryCluster proxy, LocalNode node, LocalNode primary) {
        assertThat(node.isRunning()).isTrue();
        assertThat(node.isInRecovery()).isTrue();
        pg.cluster().awaitStreaming(primary, List.of(node));
        primary.execute("create table after_recovery_" + node.name() + " (id int)");
        pg.cluster().awaitCaughtUp(primary, List.of(node));
        assertThat(node.queryValue("select count(*) from pg_class where relname = 'after_recovery_" + node.name() + "'"))
                .contains("1");
        int id = Integer.parseInt(node.name().substring(4));
        assertThat(proxy.status(id)).isEqualTo(NodeStatus.UP);
        List<RecoveryEvent.Kind> kinds = proxy.kinds();
        assertThat(kinds).contains(RecoveryEvent.Kind.RECOVERY_STARTED);
        assertThat(kinds.get(kinds.size() - 1)).isEqualTo(RecoveryEvent.Kind.RECOVERY_SUCCEEDED);
        assertThat(node.queryValue("show port")).contains(Integer.toString(node.port()));
    }

    static List<Path> leftoversNextTo(Path dataDirectory) throws IOException {
        try (Stream<Path> siblings = Files.list(dataDirectory.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().contains(".before-recovery-")
                    || p.getFileName().toString().contains(".config-before-rewind-")).toList();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
