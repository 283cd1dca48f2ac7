package io.tidepool.console.connect;

import io.tidepool.console.client.ClusterClient;
import io.tidepool.console.client.ClusterClientException;
import io.tidepool.console.client.pgpool.PcpNodeCommands;
import io.tidepool.console.client.pgpool.PgpoolClient;
import io.tidepool.console.client.pgpool.PgpoolEndpoint;
import io.tidepool.console.client.pgpool.RetryBackoff;
import io.tidepool.console.connections.ConnectionProfile;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Opens the right {@link ClusterClient} for a saved connection. The one place that knows the
 * implementations:
 * <ul>
 *   <li>{@code REMOTE_PGPOOL}: {@link PgpoolClient}, working.</li>
 *   <li>{@code EMBEDDED_ENGINE}: waits for the engine's snapshot and event API in proxy-core
 *       ({@code io.tidepool.cluster}); the client will adapt it in-process, no polling.</li>
 *   <li>{@code REMOTE_TIDEPOOL}: waits for the JSON admin API and its live event stream.</li>
 * </ul>
 * Until those exist they are refused with a reason; the console never shows invented nodes.
 */
public final class ClusterClients {

    /** How long a remote call may take before the console stops waiting. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Function<PgpoolEndpoint, Optional<PcpNodeCommands>> pcpFactory;

    /**
     * @param pcpFactory makes the PCP channel for an endpoint; empty for an endpoint without a
     *                   PCP port (or while no PCP implementation is wired in)
     */
    public ClusterClients(Function<PgpoolEndpoint, Optional<PcpNodeCommands>> pcpFactory) {
        this.pcpFactory = pcpFactory;
    }

    /**
     * @param password    typed by the operator, kept in memory only; empty: use {@code ~/.pgpass}
     * @param pcpPassword likewise for PCP; empty: use {@code ~/.pcppass} / {@code PCPPASSFILE}
     * @throws ClusterClientException when the kind has no implementation yet
     */
    public ClusterClient open(ConnectionProfile profile, Optional<String> password, Optional<String> pcpPassword) {
        return switch (profile.kind()) {
            case REMOTE_PGPOOL -> {
                PgpoolEndpoint endpoint = new PgpoolEndpoint(profile.host(), profile.port(), profile.database(),
                        profile.user(), password,
                        profile.pcpPort() > 0 ? OptionalInt.of(profile.pcpPort()) : OptionalInt.empty(),
                        profile.pcpUser(), pcpPassword);
                Optional<PcpNodeCommands> pcp = endpoint.pcpPort().isPresent() ? pcpFactory.apply(endpoint) : Optional.empty();
                yield new PgpoolClient(endpoint, pcp, DEFAULT_TIMEOUT, RetryBackoff.DEFAULT);
            }
            case EMBEDDED_ENGINE -> throw new ClusterClientException(
                    "the embedded engine cannot be managed from the console yet: its snapshot and event API is not built");
            case REMOTE_TIDEPOOL -> throw new ClusterClientException(
                    "remote Tidepool proxies cannot be managed yet: the admin API client is not built");
        };
    }
}
