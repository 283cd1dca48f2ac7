package io.tidepool.session;

import io.tidepool.cluster.ClusterConfigs;
import io.tidepool.harness.PgClients;
import io.tidepool.harness.PgClusterExtension;
import io.tidepool.ops.local.PgEndpoint;
import io.tidepool.server.TidepoolEngine;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy stops the moment its last clients leave, while the connections they used are still
 * running reset_query_list on their way into the pool (connection_cache on): every connection
 * and every buffer it held is let go. A stopping event loop closes its channels without telling
 * their handlers, so a reset still under way has to be ended by the pool itself; before that fix
 * most rounds here left a ParameterStatus copy unreleased.
 */
@ExtendWith(LeakDetection.class)
class ConnectionCacheShutdownIT {

    @RegisterExtension
    static final PgClusterExtension pg = PgClusterExtension.shared(2);

    @TempDir
    Path dir;

    @Test
    void stoppingRightAfterClientsLeaveReleasesTheConnectionsBeingReset() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int round = 0; round < 10; round++) {
            Path conf = Files.createDirectories(dir.resolve("round" + round));
            try (TidepoolEngine engine = new TidepoolEngine(ClusterConfigs.pgpoolConf(pg.cluster(), conf, Map.of(
                    "connection_cache", "on", "statement_level_load_balance", "on")),
                    TidepoolEngine.Options.defaults().withPcp(false).withProxy(true))) {
                engine.start();
                PgEndpoint viaProxy = pg.primary().endpoint().withAddress("127.0.0.1",
                        engine.proxy().orElseThrow().tcpAddress().getPort());
                ports.addAll(PgClients.showPortAnswers(viaProxy, 3, 5));
            }
        }
        assertThat(ports).as("reads spread over standbys, so their connections were pooled too")
                .contains(pg.standby(1).port(), pg.standby(2).port());
        assertThat(LeakDetection.collectLeaks()).as("buffers nobody released").isEmpty();
    }
}
