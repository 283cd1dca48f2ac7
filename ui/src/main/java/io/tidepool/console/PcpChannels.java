package io.tidepool.console;

import io.tidepool.console.client.pgpool.PcpNodeCommands;
import io.tidepool.console.client.pgpool.PgpoolEndpoint;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where the console gets its PCP channel for a pgpool-II endpoint. Proxy-core's PCP client
 * ({@code io.tidepool.admin.pcp.PcpClient}) is being written; until it is wired in here, node
 * actions on a remote pgpool-II report that PCP is not available instead of pretending.
 */
public final class PcpChannels {

    private PcpChannels() {
    }

    public static Function<PgpoolEndpoint, Optional<PcpNodeCommands>> factory() {
        return endpoint -> Optional.empty();
    }
}
