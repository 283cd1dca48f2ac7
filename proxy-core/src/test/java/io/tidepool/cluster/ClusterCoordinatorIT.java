package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.harness.Await;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalNode;
import io.tidepool.ops.local.PgBinaries;
import io.tidepool.server.ShutdownMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster owner against a real primary with two streaming standbys: health check, retries,
 * built-in and script failover with follow-primary, and the event journal. Each test gets a
 * cluster of its own, since most of them kill nodes.
 */
class ClusterCoordinatorIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    @TempDir
    Path dir;

    private ClusterCoordinator coordinator;

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private ClusterCoordinator start(Map<String, String> settings) throws Exception {
        coordinator = new ClusterCoordinator(ClusterSettings.fromConfig(ClusterConfigs.pgpoolConf(pg.cluster(), dir,
                settings)), ClusterCoordinator.Options.defaults());
        coordinator.start();
        return coordinator;
    }

    @Test
    void findsThePrimaryAndMarksAnsweringNodesUp() throws Exception {
        ClusterSnapshot snapshot = start(Map.of()).snapshot();
        assertThat(snapshot.primaryId()).hasValue(0);
        assertThat(snapshot.nodes()).extracting(NodeSnapshot::status).containsOnly(NodeStatus.UP);
        assertThat(snapshot.nodes()).extracting(NodeSnapshot::role)
                .containsExactly(NodeRole.PRIMARY, NodeRole.STANDBY, NodeRole.STANDBY);
        assertThat(snapshot.nodes()).extracting(NodeSnapshot::actualRole).containsExactly("primary", "standby", "standby");
        assertThat(coordinator.journal().events()).extracting(ClusterEvent::kind)
                .contains(ClusterEvent.Kind.NODE_UP, ClusterEvent.Kind.PRIMARY_CHANGED);
    }

    @Test
    void healthCheckMarksAKilledStandbyDownAndCountsTheFailure() throws Exception {
        start(Map.of("health_check_period", "1", "health_check_max_retries", "0", "connect_timeout", "2000"));
        pg.standby(2).kill();
        Await.until(Duration.ofSeconds(30), () -> coordinator.snapshot().nodes().get(2).status() == NodeStatus.DOWN);

        ClusterSnapshot snapshot = coordinator.snapshot();
        assertThat(snapshot.primaryId()).hasValue(0);
        assertThat(snapshot.nodes().get(1).status()).isEqualTo(NodeStatus.UP);
        assertThat(snapshot.nodes().get(2).actualStatus()).isEqualTo(NodeSnapshot.ActualStatus.DOWN);
        HealthCheckStatistics stats = coordinator.healthCheckStatistics(2);
        assertThat(stats.failCount()).isEqualTo(1);
        assertThat(stats.lastFailedHealthCheck()).isPresent();
        assertThat(coordinator.healthCheckStatistics(0).successCount()).isPositive();
        assertThat(coordinator.journal().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.NODE_DOWN);
            assertThat(e.nodeId()).hasValue(2);
            assertThat(e.message()).contains("health check failed");
        });
        // Once down, the node is skipped rather than checked.
        long skipped = coordinator.healthCheckStatistics(2).skipCount();
        Await.until(Duration.ofSeconds(10), () -> coordinator.healthCheckStatistics(2).skipCount() > skipped);
        assertThat(Files.readString(dir.resolve(StatusFile.NAME))).isEqualTo("up\nup\ndown\n");
    }

    @Test
    void aNodeAttachedAgainShowsWhatItAnswersNotWhatTheLastFailedCheckFound() throws Exception {
        // checks 5 s apart: what the attach itself learns is seen before the next check
        start(Map.of("health_check_period", "5", "health_check_max_retries", "0", "connect_timeout", "2000"));
        pg.standby(2).kill();
        Await.until(Duration.ofSeconds(30), () -> coordinator.snapshot().nodes().get(2).status() == NodeStatus.DOWN);
        assertThat(coordinator.snapshot().nodes().get(2).actualStatus()).isEqualTo(NodeSnapshot.ActualStatus.DOWN);
        pg.standby(2).start();

        coordinator.attachNode(2, "test").get(10, java.util.concurrent.TimeUnit.SECONDS);
        NodeSnapshot attached = coordinator.snapshot().nodes().get(2);
        assertThat(attached.status()).isEqualTo(NodeStatus.UP);
        assertThat(attached.actualStatus()).as("pg_status").isEqualTo(NodeSnapshot.ActualStatus.UP);
        assertThat(attached.actualRole()).as("pg_role").isEqualTo("standby");
    }

    @Test
    void retriesRideOutABriefOutageWithoutFailover() throws Exception {
        start(Map.of("health_check_period", "1", "health_check_max_retries", "20", "health_check_retry_delay", "1",
                "connect_timeout", "2000"));
        LocalNode standby = pg.standby(1);
        standby.stop(ShutdownMode.FAST);
        Await.until(Duration.ofSeconds(30), () -> coordinator.healthCheckStatistics(1).retryCount() > 0);
        standby.start();
        long successes = coordinator.healthCheckStatistics(1).successCount();
        Await.until(Duration.ofSeconds(60), () -> coordinator.healthCheckStatistics(1).successCount() > successes + 1);

        assertThat(coordinator.snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.UP);
        assertThat(coordinator.healthCheckStatistics(1).failCount()).isZero();
        assertThat(coordinator.journal().events()).noneMatch(e -> e.kind() == ClusterEvent.Kind.NODE_DOWN);
        assertThat(coordinator.journal().events()).anyMatch(e -> e.kind() == ClusterEvent.Kind.HEALTH_CHECK_FAILED
                && e.message().contains("retry 1 of 20"));
    }

    @Test
    void builtinFailoverPromotesAStandbyAndTheOtherFollowsIt() throws Exception {
        start(Map.of("builtin_failover", "on", "health_check_period", "1", "health_check_max_retries", "1",
                "health_check_retry_delay", "1", "connect_timeout", "1000"));
        pg.primary().execute("create table before_failover(i int); insert into before_failover values (1)");
        pg.cluster().awaitCaughtUp();

        long killedAt = System.nanoTime();
        pg.primary().stop(ShutdownMode.IMMEDIATE);
        Await.until(Duration.ofSeconds(90), () -> coordinator.snapshot().primaryId().isPresent()
                && coordinator.snapshot().primaryId().getAsInt() != 0);
        System.out.printf("built-in failover: primary stopped (immediate) -> new primary in the snapshot: %d ms%n",
                (System.nanoTime() - killedAt) / 1_000_000);

        int newPrimary = coordinator.snapshot().primaryId().getAsInt();
        int follower = newPrimary == 1 ? 2 : 1;
        LocalNode promoted = pg.cluster().nodes().get(newPrimary);
        assertThat(promoted.isInRecovery()).isFalse();
        promoted.execute("insert into before_failover values (2)");
        LocalNode other = pg.cluster().nodes().get(follower);
        Await.until(Duration.ofSeconds(60), () -> promoted.query(
                "select application_name, state from pg_stat_replication").contains(List.of(other.name(), "streaming")));
        Await.until(Duration.ofSeconds(30), () -> other.queryValue("select count(*) from before_failover").orElse("")
                .equals("2"));

        ClusterSnapshot snapshot = coordinator.snapshot();
        assertThat(snapshot.nodes().get(0).status()).isEqualTo(NodeStatus.DOWN);
        assertThat(snapshot.nodes().get(follower).status()).isEqualTo(NodeStatus.UP);
        assertThat(snapshot.nodes().get(newPrimary).role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(coordinator.journal().events()).extracting(ClusterEvent::kind).containsSubsequence(
                ClusterEvent.Kind.NODE_DOWN, ClusterEvent.Kind.PRIMARY_CHANGED, ClusterEvent.Kind.NODE_PROMOTED,
                ClusterEvent.Kind.PRIMARY_CHANGED, ClusterEvent.Kind.NODE_FOLLOWED);
        // The owner confirms the follower streams on its own schedule, possibly after the checks above.
        Await.until(Duration.ofSeconds(30), () -> coordinator.journal().events().stream().anyMatch(e ->
                e.kind() == ClusterEvent.Kind.NODE_FOLLOWED && e.nodeId().equals(OptionalInt.of(follower))
                        && e.message().contains("streams from")));
    }

    @Test
    void scriptFailoverRunsTheCommandsWithEveryPlaceholder() throws Exception {
        Path failoverLog = dir.resolve("failover.log");
        Path followLog = dir.resolve("follow.log");
        String psql = PgBinaries.locate().psql().toString();
        String failover = "echo '%d|%h|%p|%D|%m|%H|%M|%P|%r|%R|%N|%S|%%' >> " + failoverLog
                + " && " + psql + " -X -q -h %H -p %r -U postgres -d postgres -c 'select pg_promote()'";
        String follow = "echo '%d|%h|%p|%D|%m|%H|%M|%P|%r|%R|%N|%S' >> " + followLog;
        start(Map.of("failover_command", ClusterConfigs.quote(failover),
                "follow_primary_command", ClusterConfigs.quote(follow),
                "health_check_period", "1", "health_check_max_retries", "0", "connect_timeout", "1000"));

        pg.primary().stop(ShutdownMode.IMMEDIATE);
        Await.until(Duration.ofSeconds(90), () -> coordinator.journal().events().stream()
                .filter(e -> e.kind() == ClusterEvent.Kind.FOLLOW_PRIMARY_COMMAND).count() == 2);

        List<LocalNode> nodes = pg.cluster().nodes();
        String n0 = nodes.get(0).host() + "|";
        int p0 = nodes.get(0).port();
        int p1 = nodes.get(1).port();
        int p2 = nodes.get(2).port();
        String d0 = nodes.get(0).dataDirectory().toString();
        String d1 = nodes.get(1).dataDirectory().toString();
        String d2 = nodes.get(2).dataDirectory().toString();
        // Failed node 0; new main node 1 (lowest alive); old main 0; old primary 0.
        assertThat(Files.readAllLines(failoverLog)).containsExactly(
                " 0|" + n0 + " " + p0 + "|" + d0 + "| 1|127.0.0.1|0|0|" + p1 + "|" + d1 + "|127.0.0.1|" + p0 + "|%");
        // follow_primary_command runs once per node that is down after the failover, with %m the new primary.
        assertThat(Files.readAllLines(followLog)).containsExactly(
                " 0|127.0.0.1| " + p0 + "|" + d0 + "| 1|127.0.0.1|0|0|" + p1 + "|" + d1 + "|127.0.0.1|" + p0,
                " 2|127.0.0.1| " + p2 + "|" + d2 + "| 1|127.0.0.1|0|0|" + p1 + "|" + d1 + "|127.0.0.1|" + p0);
        ClusterSnapshot snapshot = coordinator.snapshot();
        assertThat(snapshot.primaryId()).hasValue(1);
        assertThat(snapshot.nodes()).extracting(NodeSnapshot::status)
                .containsExactly(NodeStatus.DOWN, NodeStatus.UP, NodeStatus.DOWN);
        assertThat(coordinator.journal().events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ClusterEvent.Kind.FAILOVER_COMMAND);
            assertThat(e.message()).isEqualTo("failover_command for node 0 succeeded");
            assertThat(e.detail()).contains("pg_promote");
        });
    }

    @Test
    void whileThePrimaryIsSearchedForRequestsAreStillServed() throws Exception {
        // no failover_command: detaching the primary leaves none, and the search runs its 30 s
        start(Map.of("search_primary_node_timeout", "30"));
        coordinator.detachNode(0, "test").get(10, java.util.concurrent.TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(5), () -> coordinator.journal().events().stream().anyMatch(e ->
                e.kind() == ClusterEvent.Kind.NOTICE && e.message().startsWith("no new primary yet after the failover of node 0")));
        assertThat(coordinator.snapshot().primaryId()).isEmpty();

        // the old primary attached again is the primary at once, not after the search gave up
        coordinator.attachNode(0, "test").get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(coordinator.snapshot().primaryId()).hasValue(0);
        assertThat(coordinator.snapshot().nodes().get(0).status()).isEqualTo(NodeStatus.UP);
        Thread.sleep(2500); // two more rounds of the search, had it gone on
        assertThat(coordinator.journal().events()).noneMatch(e -> e.message().startsWith("gave up searching"));
        assertThat(coordinator.snapshot().nodes()).extracting(NodeSnapshot::status).containsOnly(NodeStatus.UP);
    }

    @Test
    void aStandbyPromotedBehindTheProxysBackIsDetachedAsAFalsePrimary() throws Exception {
        start(Map.of("sr_check_period", "1", "detach_false_primary", "on"));
        pg.standby(2).promote();
        Await.until(Duration.ofSeconds(30), () -> coordinator.snapshot().nodes().get(2).status() == NodeStatus.DOWN);
        assertThat(coordinator.snapshot().primaryId()).hasValue(0);
        assertThat(coordinator.journal().events()).anyMatch(e -> e.kind() == ClusterEvent.Kind.FALSE_PRIMARY
                && e.nodeId().equals(OptionalInt.of(2)) && e.message().contains("detach_false_primary"));
    }
}
