package io.tidepool.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.PgpoolTools;
import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.cluster.ClusterEvent;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.harness.Await;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.LocalNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgpool-II's {@code pcp_promote_node} against the engine with built-in failover: a planned
 * switchover in which the old primary turns read-only, the target catches up and is promoted,
 * and the remaining standby follows it. Damages the cluster, so it has one of its own.
 */
class PcpPromoteNodeIT {

    @RegisterExtension
    final PgClusterExtension pg = PgClusterExtension.fresh(2);

    @TempDir
    Path dir;

    @Test
    void promoteSwitchesOverAndTheOtherStandbyFollows() throws Exception {
        Files.writeString(dir.resolve("pcp.conf"), "admin:" + Md5Hash.pcpConfValue("pw") + "\n");
        Path pcppass = dir.resolve("pcppass");
        Files.writeString(pcppass, "*:*:admin:pw\n");
        Files.setPosixFilePermissions(pcppass, PosixFilePermissions.fromString("rw-------"));
        try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), dir,
                Map.of("pcp_client_version", "'4.3'", "builtin_failover", "on", "sr_check_period", "1")),
                TidepoolEngine.Options.defaults())) {
            engine.start();
            pg.primary().execute("create table switched(i int); insert into switched values (1)");

            PgpoolTools.Result result = PgpoolTools.run(Map.of("PCPPASSFILE", pcppass.toString()), "pcp_promote_node",
                    "-h", "127.0.0.1", "-p", Integer.toString(engine.pcpPort().orElseThrow()), "-U", "admin", "-w",
                    "-n", "2");
            assertThat(result.stdout()).isEqualTo("pcp_promote_node -- Command Successful\n");
            Await.until(Duration.ofSeconds(90), () -> engine.cluster().snapshot().primaryId()
                    .equals(java.util.OptionalInt.of(2)));

            LocalNode promoted = pg.standby(2);
            assertThat(promoted.isInRecovery()).isFalse();
            assertThat(promoted.queryValue("select count(*) from switched")).hasValue("1");
            Await.until(Duration.ofSeconds(60), () -> promoted.query(
                    "select application_name, state from pg_stat_replication")
                    .contains(List.of(pg.standby(1).name(), "streaming")));
            assertThat(engine.cluster().snapshot().nodes().get(0).status()).isEqualTo(NodeStatus.DOWN);
            assertThat(engine.cluster().snapshot().nodes().get(1).status()).isEqualTo(NodeStatus.UP);
            // The old primary takes no more writes.
            assertThat(pg.primary().queryValue("show default_transaction_read_only")).hasValue("on");
            assertThat(engine.cluster().journal().events()).extracting(ClusterEvent::kind).containsSubsequence(
                    ClusterEvent.Kind.NOTICE, ClusterEvent.Kind.NODE_DOWN, ClusterEvent.Kind.NODE_PROMOTED,
                    ClusterEvent.Kind.NODE_FOLLOWED);
        }
    }
}
