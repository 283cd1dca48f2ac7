package io.tidepool.console;

import io.tidepool.console.client.pgpool.PcpClientNodeCommands;
import io.tidepool.console.client.pgpool.PcpNodeCommands;
import io.tidepool.console.client.pgpool.PgpoolEndpoint;
import io.tidepool.console.connect.ClusterClients;

import java.util.Optional;
import java.util.function.Function;

/** Where the console gets its PCP channel for a pgpool-II endpoint: proxy-core's PCP client. */
public final class PcpChannels {

    private PcpChannels() {
    }

    public static Function<PgpoolEndpoint, Optional<PcpNodeCommands>> factory() {
        return endpoint -> endpoint.pcpPort().isPresent()
                ? Optional.of(new PcpClientNodeCommands(endpoint, ClusterClients.DEFAULT_TIMEOUT))
                : Optional.empty();
    }
}
