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
import java.util.function.Supplier;

/**
 * Opens the right {@link ClusterClient} for a saved connection. The one place that knows the
 * implementations:
 * <ul>
 *   <li>{@code REMOTE_PGPOOL}: {@link PgpoolClient}.</li>
 *   <li>{@code EMBEDDED_ENGINE}: the engine of this process, when one was handed over with
 *       {@link #withEmbeddedEngine} (the demo does); refused with a reason otherwise.</li>
 *   <li>{@code REMOTE_TIDEPOOL}: {@link PgpoolClient} in its Tidepool flavour.</li>
 * </ul>
 */
public final class ClusterClients {

    /** How long a remote call may take before the console stops waiting. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Function<PgpoolEndpoint, Optional<PcpNodeCommands>> pcpFactory;
    private final Optional<Supplier<ClusterClient>> embedded;

    /**
     * @param pcpFactory makes the PCP channel for an endpoint; empty for an endpoint without a
     *                   PCP port (or while no PCP implementation is wired in)
     */
    public ClusterClients(Function<PgpoolEndpoint, Optional<PcpNodeCommands>> pcpFactory) {
        this(pcpFactory, Optional.empty());
    }

    private ClusterClients(Function<PgpoolEndpoint, Optional<PcpNodeCommands>> pcpFactory,
                           Optional<Supplier<ClusterClient>> embedded) {
        this.pcpFactory = pcpFactory;
        this.embedded = embedded;
    }

    /**
     * The same, plus the engine running in this process: {@code clients} makes a new client for
     * it at each connection (a closed client is not reused).
     */
    public ClusterClients withEmbeddedEngine(Supplier<ClusterClient> clients) {
        return new ClusterClients(pcpFactory, Optional.of(clients));
    }

    public boolean hasEmbeddedEngine() {
        return embedded.isPresent();
    }

    /**
     * @param password    typed by the operator, kept in memory only; empty: use {@code ~/.pgpass}
     * @param pcpPassword likewise for PCP; empty: use {@code ~/.pcppass} / {@code PCPPASSFILE}
     * @throws ClusterClientException for the embedded engine when none runs in this process
     */
    public ClusterClient open(ConnectionProfile profile, Optional<String> password, Optional<String> pcpPassword) {
        return switch (profile.kind()) {
            case REMOTE_PGPOOL -> remote(profile, PgpoolClient.Peer.PGPOOL, password, pcpPassword);
            case REMOTE_TIDEPOOL -> remote(profile, PgpoolClient.Peer.TIDEPOOL, password, pcpPassword);
            case EMBEDDED_ENGINE -> embedded.map(Supplier::get).orElseThrow(() -> new ClusterClientException(
                    "no Tidepool engine runs in this console; './tidepool demo' starts one with its console"));
        };
    }

    private ClusterClient remote(ConnectionProfile profile, PgpoolClient.Peer peer, Optional<String> password,
                                 Optional<String> pcpPassword) {
        PgpoolEndpoint endpoint = new PgpoolEndpoint(profile.host(), profile.port(), profile.database(),
                profile.user(), password,
                profile.pcpPort() > 0 ? OptionalInt.of(profile.pcpPort()) : OptionalInt.empty(),
                profile.pcpUser(), pcpPassword);
        Optional<PcpNodeCommands> pcp = endpoint.pcpPort().isPresent() ? pcpFactory.apply(endpoint) : Optional.empty();
        return new PgpoolClient(endpoint, peer, pcp, DEFAULT_TIMEOUT, RetryBackoff.DEFAULT);
    }
}
