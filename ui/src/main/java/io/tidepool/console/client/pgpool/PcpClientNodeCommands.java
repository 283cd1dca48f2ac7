package io.tidepool.console.client.pgpool;

import io.tidepool.admin.pcp.PcpClient;
import io.tidepool.admin.pcp.PcpClientException;
import io.tidepool.admin.pcp.PcpEndpoint;
import io.tidepool.admin.pcp.PcpPassFile;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link PcpNodeCommands} over proxy-core's {@link PcpClient}: one short PCP connection per
 * command (connect, authenticate, send, close), as pgpool-II's own {@code pcp_*} tools do, so
 * no idle PCP connection holds a worker of the peer.
 *
 * <p>The password is the one the operator typed, else the matching {@code .pcppass} line
 * ({@code PCPPASSFILE} or {@code ~/.pcppass}, spec 1.10), else empty (which pgpool-II refuses
 * with its own message).
 */
public final class PcpClientNodeCommands implements PcpNodeCommands {

    /** A graceful detach waits for client sessions to end (up to the peer's recovery_timeout). */
    private static final Duration GRACEFUL_WAIT = Duration.ofMinutes(2);

    private final PcpEndpoint endpoint;
    private final String user;
    private final Supplier<String> password;
    private final Duration timeout;

    public PcpClientNodeCommands(PgpoolEndpoint pgpool, Duration timeout) {
        this.endpoint = new PcpEndpoint(pgpool.host(), pgpool.pcpPort().orElseThrow(
                () -> new IllegalArgumentException("no PCP port configured for " + pgpool)));
        this.user = pgpool.pcpUser();
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.password = () -> pgpool.pcpPassword().orElseGet(() -> PcpPassFile.lookup(
                PcpPassFile.location(System.getenv()), endpoint.pcppassHost(), endpoint.port(), user, warning -> { })
                .orElse(""));
    }

    @Override
    public void attachNode(int nodeId) throws IOException {
        run(timeout, c -> c.attachNode(nodeId));
    }

    @Override
    public void detachNode(int nodeId, boolean graceful) throws IOException {
        run(graceful ? GRACEFUL_WAIT : timeout, c -> c.detachNode(nodeId, graceful));
    }

    @Override
    public void promoteNode(int nodeId, boolean switchover) throws IOException {
        run(timeout, c -> c.promoteNode(nodeId, switchover, false));
    }

    @FunctionalInterface
    private interface Command {
        void send(PcpClient client) throws PcpClientException;
    }

    private void run(Duration wait, Command command) throws IOException {
        try (PcpClient client = PcpClient.connect(endpoint, PcpClient.Options.defaults().withTimeout(wait))) {
            client.authenticate(user, password.get());
            command.send(client);
        }
    }
}
