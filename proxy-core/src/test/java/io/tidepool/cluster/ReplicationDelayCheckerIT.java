package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.harness.Await;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming replication check over the shared cluster: replication state and delay, the delay
 * threshold (replay paused on a standby, resumed afterwards so the cluster is left as found), and
 * auto_failback of a detached standby that still streams.
 */
class ReplicationDelayCheckerIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path dir;

    private ClusterCoordinator coordinator;

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
        pg.standby(1).execute("select pg_wal_replay_resume()");
    }

    private ClusterCoordinator start(Map<String, String> settings) throws Exception {
        coordinator = new ClusterCoordinator(ClusterSettings.fromConfig(ClusterConfigs.pgpoolConf(pg.cluster(), dir,
                settings)), ClusterCoordinator.Options.defaults());
        coordinator.start();
        return coordinator;
    }

    @Test
    void standbysShowStreamingAsyncAndTheirRole() throws Exception {
        start(Map.of("sr_check_period", "1"));
        Await.until(Duration.ofSeconds(20), () ->
                coordinator.snapshot().nodes().get(2).replicationState().equals("streaming"));
        NodeSnapshot standby = coordinator.snapshot().nodes().get(2);
        assertThat(standby.syncState()).isEqualTo("async");
        assertThat(standby.actualRole()).isEqualTo("standby");
        assertThat(coordinator.snapshot().nodes().get(0).actualRole()).isEqualTo("primary");
        assertThat(coordinator.snapshot().nodes().get(0).replicationState()).isEmpty();
    }

    @Test
    void aStandbyWhoseReplayIsPausedCrossesTheDelayThreshold() throws Exception {
        start(Map.of("sr_check_period", "1", "delay_threshold", "10000", "log_standby_delay", "'always'"));
        LocalNode standby = pg.standby(1);
        standby.execute("select pg_wal_replay_pause()");
        pg.primary().execute("create table if not exists lag_maker(t text); "
                + "insert into lag_maker select repeat('x', 100) from generate_series(1, 2000)");
        Await.until(Duration.ofSeconds(30), () -> coordinator.snapshot().nodes().get(1).replicationDelay() > 10000);
        Await.until(Duration.ofSeconds(10), () -> coordinator.journal().events().stream().anyMatch(e ->
                e.kind() == ClusterEvent.Kind.REPLICATION_DELAY && e.nodeId().equals(OptionalInt.of(1))
                        && e.message().contains("over the threshold")));
        assertThat(coordinator.snapshot().nodes().get(2).replicationDelay()).isLessThan(10000);

        standby.execute("select pg_wal_replay_resume()");
        Await.until(Duration.ofSeconds(30), () -> coordinator.journal().events().stream().anyMatch(e ->
                e.kind() == ClusterEvent.Kind.REPLICATION_DELAY && e.message().contains("back under")));
        pg.primary().execute("drop table lag_maker");
    }

    @Test
    void aDetachedStandbyShowsOnlyWhatThePrimaryStillSeesOfIt() throws Exception {
        // node 1 has backend_application_name1, so the primary's row for it is found unprobed;
        // node 2 is matched through its own WAL receiver, which nobody asks once it is detached
        start(Map.of("sr_check_period", "1", "backend_application_name1", "'" + pg.standby(1).name() + "'"));
        Await.until(Duration.ofSeconds(20), () -> coordinator.snapshot().nodes().stream().skip(1)
                .allMatch(n -> n.replicationState().equals("streaming")));
        coordinator.detachNode(1, "test").get(10, TimeUnit.SECONDS);
        coordinator.detachNode(2, "test").get(10, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), () -> coordinator.snapshot().nodes().get(2).replicationState().isEmpty());
        assertThat(coordinator.snapshot().nodes().get(2).syncState()).as("unknown, not what it was").isEmpty();
        NodeSnapshot detached = coordinator.snapshot().nodes().get(1);
        assertThat(detached.status()).isEqualTo(NodeStatus.DOWN);
        assertThat(detached.replicationState()).as("still streaming, detached or not").isEqualTo("streaming");
        assertThat(detached.syncState()).isEqualTo("async");
    }

    @Test
    void autoFailbackAttachesADetachedStandbyThatStillStreams() throws Exception {
        start(Map.of("sr_check_period", "1", "auto_failback", "on", "auto_failback_interval", "1"));
        coordinator.detachNode(2, "test").get(10, TimeUnit.SECONDS);
        assertThat(coordinator.snapshot().nodes().get(2).status()).isEqualTo(NodeStatus.DOWN);
        Await.until(Duration.ofSeconds(20), () -> coordinator.journal().events().stream().anyMatch(e ->
                e.kind() == ClusterEvent.Kind.NODE_ATTACHED && e.message().contains("auto_failback")));
        assertThat(coordinator.snapshot().nodes().get(2).status()).isEqualTo(NodeStatus.UP);
    }
}
