package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidepool.auth.Md5Hash;
import io.tidepool.cluster.HealthCheckStatistics;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.server.ShutdownMode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PCP server on loopback, driven by {@link PcpClient} and by raw hostile sockets. */
class PcpServerTest {

    private static final String USER = "pcpadmin";
    private static final String PASSWORD = "secret";
    /**
     * Long enough that a client on a loaded test machine still authenticates in time, short
     * enough to keep the stalled-client test quick.
     */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path socketDir;

    private InMemoryPcpService service;
    private PcpServer server;

    @BeforeEach
    void start() throws Exception {
        service = InMemoryPcpService.twoNodes();
        PcpServerSettings settings = new PcpServerSettings(List.of("127.0.0.1"), 0, List.of(socketDir),
                NodeInfoLayout.NEWEST, STALL_TIMEOUT, ZoneOffset.UTC);
        server = new PcpServer(settings, service,
                PcpUserLookup.of(PcpUserFile.parse(USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n")));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private PcpClient client() throws PcpClientException {
        PcpClient client = PcpClient.connect(new PcpEndpoint("127.0.0.1", server.port()),
                PcpClient.Options.defaults().withTimeout(Duration.ofSeconds(10)));
        client.authenticate(USER, PASSWORD);
        return client;
    }

    @Test
    void servesEveryReadRequest() throws Exception {
        try (PcpClient client = client()) {
            assertThat(client.nodeCount()).isEqualTo(2);
            List<NodeSnapshot> nodes = client.nodeInfo(-1);
            assertThat(nodes).hasSize(2);
            NodeSnapshot standby = nodes.get(1);
            assertThat(standby.hostname()).isEqualTo("10.0.0.2");
            assertThat(standby.status()).isEqualTo(NodeStatus.DOWN);
            assertThat(standby.quarantined()).isTrue();
            assertThat(standby.statusName()).isEqualTo("quarantine");
            assertThat(standby.weight()).isEqualTo(0.5);
            assertThat(standby.role()).isEqualTo(NodeRole.STANDBY);
            assertThat(standby.replicationDelay()).isEqualTo(2_500_000);
            assertThat(standby.lastStatusChange()).isEqualTo(InMemoryPcpService.NODE1_CHANGED);
            assertThat(client.nodeInfo(0)).singleElement().satisfies(n -> assertThat(n.port()).isEqualTo(5432));
            assertThat(client.healthCheckStats(0).totalCount()).isEqualTo("10");
            assertThat(client.processIds()).containsExactly(101, 102);
            assertThat(client.processInfo(0)).hasSize(4);
            assertThat(client.processInfo(101).get(0).database()).isEqualTo("db");
            assertThat(client.poolStatus()).extracting(PoolStatusRow::name)
                    .containsExactly("listen_addresses", "port", "backend_clustering_mode");
        }
    }

    @Test
    void theClientReadsNodeInfoOfEveryServerGenerationWithoutBeingTold() throws Exception {
        for (NodeInfoLayout served : NodeInfoLayout.values()) {
            PcpServer old = new PcpServer(new PcpServerSettings(List.of("127.0.0.1"), 0, List.of(), served, STALL_TIMEOUT,
                    ZoneOffset.UTC), service, PcpUserLookup.of(PcpUserFile.parse(USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n")));
            old.start();
            try (PcpClient client = PcpClient.connect(new PcpEndpoint("127.0.0.1", old.port()),
                    PcpClient.Options.defaults().withTimeout(Duration.ofSeconds(10)))) {
                client.authenticate(USER, PASSWORD);
                NodeSnapshot standby = client.nodeInfo(1).get(0);
                assertThat(standby.hostname()).as(served.name()).isEqualTo("10.0.0.2");
                assertThat(standby.port()).as(served.name()).isEqualTo(5433);
                assertThat(standby.weight()).as(served.name()).isEqualTo(0.5);
                assertThat(standby.role()).as(served.name()).isEqualTo(NodeRole.STANDBY);
                assertThat(standby.replicationDelay()).as(served.name()).isEqualTo(2_500_000);
                assertThat(standby.lastStatusChange()).as(served.name()).isEqualTo(InMemoryPcpService.NODE1_CHANGED);
                assertThat(standby.quarantined()).as(served.name()).isEqualTo(served.hasQuarantine());
            } finally {
                old.close();
            }
        }
    }

    @Test
    void servesEveryCommandAndReportsErrorsWithoutClosing() throws Exception {
        try (PcpClient client = client()) {
            client.attachNode(1);
            client.detachNode(1, false);
            client.promoteNode(1, true, false);
            client.reloadConfig(false);
            client.rotateLog(true);
            client.invalidateQueryCache();
            assertThatThrownBy(() -> client.nodeInfo(9)).isInstanceOf(PcpErrorException.class)
                    .hasMessageContaining("invalid node ID : 9");
            assertThatThrownBy(() -> client.watchdogInfo(-1)).hasMessageContaining("watchdog is not enabled");
            assertThatThrownBy(() -> client.recoverNode(1)).hasMessageContaining("not available yet");
            client.stop(ShutdownMode.SMART, false);
            assertThat(client.nodeCount()).isEqualTo(2);
        }
        // The shutdown runs after its reply was sent, on a thread of its own.
        for (int i = 0; i < 200 && service.actions().size() < 7; i++) {
            Thread.sleep(50);
        }
        assertThat(service.actions()).containsExactly("attach 1", "detach 1 graceful=false",
                "promote 1 switchover=true graceful=false", "reload cluster=false", "rotate log cluster=true",
                "invalidate query cache", "stop SMART cluster=false");
    }

    @Test
    void servesTheUnixSocket() throws Exception {
        PcpEndpoint endpoint = new PcpEndpoint(socketDir.toString(), server.port());
        assertThat(endpoint.socketFile()).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(endpoint.socketFile())))
                .isEqualTo("rwxrwxrwx");
        try (PcpClient client = PcpClient.connect(endpoint, PcpClient.Options.defaults())) {
            client.authenticate(USER, PASSWORD);
            assertThat(client.nodeCount()).isEqualTo(2);
        }
    }

    @Test
    void closeRemovesTheSocketFileAndStopsListening() throws Exception {
        Path socket = new PcpEndpoint(socketDir.toString(), server.port()).socketFile();
        int port = server.port();
        server.close();
        assertThat(socket).doesNotExist();
        assertThatThrownBy(() -> PcpClient.connect(new PcpEndpoint("127.0.0.1", port), PcpClient.Options.defaults()))
                .hasMessageContaining("Connection refused");
    }

    @Test
    void wrongPasswordGetsFatalAndClose() throws Exception {
        try (PcpClient client = PcpClient.connect(new PcpEndpoint("127.0.0.1", server.port()),
                PcpClient.Options.defaults())) {
            assertThatThrownBy(() -> client.authenticate(USER, "wrong"))
                    .isInstanceOfSatisfying(PcpErrorException.class, e -> {
                        assertThat(e.isFatal()).isTrue();
                        assertThat(e.error().message()).isEqualTo("authentication failed for user \"pcpadmin\"");
                    });
        }
    }

    @Test
    void oversizedPacketGetsFatalAndOthersAreServed() throws Exception {
        try (PcpClient bystander = client();
             Socket hostile = raw()) {
            hostile.getOutputStream().write(HexFormat.of().parseHex("4d00000104"));
            PcpErrorPacket error = PcpErrorPacket.decode(readPacket(hostile));
            assertThat(error.severity()).isEqualTo("FATAL");
            assertThat(error.message()).isEqualTo("invalid PCP packet");
            assertThat(error.detail()).contains("incorrect packet length (260)");
            assertThat(hostile.getInputStream().read()).isEqualTo(-1);
            assertThat(bystander.nodeCount()).isEqualTo(2);
        }
    }

    @Test
    void stalledClientIsCutOffWhileAnotherIsServed() throws Exception {
        try (PcpClient bystander = client();
             Socket stalled = raw()) {
            // Half a packet, then silence.
            stalled.getOutputStream().write(new byte[] {'M', 0, 0});
            long deadline = System.nanoTime() + STALL_TIMEOUT.multipliedBy(5).toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(bystander.nodeCount()).isEqualTo(2);
                Thread.sleep(100);
                if (stalled.getInputStream().available() > 0) {
                    break;
                }
            }
            PcpErrorPacket error = PcpErrorPacket.decode(readPacket(stalled));
            assertThat(error.severity()).isEqualTo("FATAL");
            assertThat(error.message()).isEqualTo("PCP connection timed out");
            assertThat(stalled.getInputStream().read()).isEqualTo(-1);
            assertThat(bystander.nodeCount()).isEqualTo(2);
        }
    }

    @Test
    void unknownTagBeforeAuthenticationIsRefused() throws Exception {
        try (Socket hostile = raw()) {
            hostile.getOutputStream().write(HexFormat.of().parseHex("4c00000004"));
            PcpErrorPacket error = PcpErrorPacket.decode(readPacket(hostile));
            assertThat(error.message()).isEqualTo("authentication failed for new PCP connection");
            assertThat(hostile.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aLongRequestOnOneConnectionDoesNotHoldUpAnother() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        PcpService blocking = new DelegatingService(service) {
            @Override
            public void detachNode(int nodeId, boolean graceful) throws PcpServiceException {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.detachNode(nodeId, graceful);
            }
        };
        server.close();
        server = new PcpServer(PcpServerSettings.tcp("127.0.0.1", 0, NodeInfoLayout.NEWEST), blocking,
                PcpUserLookup.of(PcpUserFile.parse(USER + ":" + Md5Hash.pcpConfValue(PASSWORD) + "\n")));
        server.start();
        try (PcpClient slow = client(); PcpClient quick = client()) {
            java.util.concurrent.CompletableFuture<Void> detach = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    slow.detachNode(0, true);
                } catch (PcpClientException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(quick.nodeCount()).isEqualTo(2);
            assertThat(quick.nodeInfo(0)).hasSize(1);
            assertThat(detach).isNotDone();
            release.countDown();
            detach.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(service.actions()).containsExactly("detach 0 graceful=true");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket socket = raw()) {
            OutputStream out = socket.getOutputStream();
            out.write(PcpPacket.of('M', new byte[0]).toBytes());
            byte[] salt = readPacket(socket).payload();
            PcpPacket auth = PcpPacket.ofStrings('R', USER, PcpAuthentication.clientResponse(USER, PASSWORD, salt));
            byte[] burst = concat(auth.toBytes(), PcpPacket.ofStrings('L').toBytes(), PcpPacket.ofStrings('N').toBytes());
            out.write(burst);
            assertThat(readPacket(socket).tag()).isEqualTo('r');
            assertThat(readPacket(socket).tag()).isEqualTo('l');
            assertThat(readPacket(socket).tag()).isEqualTo('n');
        }
    }

    /** Passes every call on; tests override what they need to slow down. */
    private static class DelegatingService implements PcpService {
        private final PcpService target;

        DelegatingService(PcpService target) {
            this.target = target;
        }

        @Override
        public io.tidepool.cluster.ClusterSnapshot cluster() {
            return target.cluster();
        }

        @Override
        public HealthCheckStatistics healthCheckStats(int nodeId) {
            return target.healthCheckStats(nodeId);
        }

        @Override
        public List<ProcessInfo> processes() {
            return target.processes();
        }

        @Override
        public List<PoolStatusRow> poolStatus() {
            return target.poolStatus();
        }

        @Override
        public void detachNode(int nodeId, boolean graceful) throws PcpServiceException {
            target.detachNode(nodeId, graceful);
        }

        @Override
        public void attachNode(int nodeId) throws PcpServiceException {
            target.attachNode(nodeId);
        }

        @Override
        public void promoteNode(int nodeId, boolean switchover, boolean graceful) throws PcpServiceException {
            target.promoteNode(nodeId, switchover, graceful);
        }

        @Override
        public void stop(ShutdownMode mode, boolean clusterWide) throws PcpServiceException {
            target.stop(mode, clusterWide);
        }

        @Override
        public void reloadConfig(boolean clusterWide) throws PcpServiceException {
            target.reloadConfig(clusterWide);
        }

        @Override
        public void rotateLog(boolean clusterWide) throws PcpServiceException {
            target.rotateLog(clusterWide);
        }

        @Override
        public void invalidateQueryCache() throws PcpServiceException {
            target.invalidateQueryCache();
        }
    }

    @Test
    void aClientQueueingRequestsWithoutReadingIsCutOff() throws Exception {
        try (PcpClient bystander = client(); Socket flood = raw()) {
            OutputStream out = flood.getOutputStream();
            out.write(PcpPacket.of('M', new byte[0]).toBytes());
            byte[] salt = readPacket(flood).payload();
            out.write(PcpPacket.ofStrings('R', USER, PcpAuthentication.clientResponse(USER, PASSWORD, salt)).toBytes());
            assertThat(readPacket(flood).tag()).isEqualTo('r');
            byte[] burst = new byte[0];
            for (int i = 0; i < 500; i++) {
                burst = concat(burst, PcpPacket.ofStrings('N').toBytes());
            }
            out.write(burst);
            PcpPacket last;
            do {
                last = readPacket(flood);
            } while (last.tag() == 'n');
            PcpErrorPacket error = PcpErrorPacket.decode(last);
            assertThat(error.severity()).isEqualTo("FATAL");
            assertThat(error.message()).isEqualTo("too many PCP requests sent ahead");
            assertThat(flood.getInputStream().read()).isEqualTo(-1);
            assertThat(bystander.nodeCount()).isEqualTo(2);
        }
    }

    private Socket raw() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static PcpPacket readPacket(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        char tag = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] payload = new byte[length - 4];
        in.readFully(payload);
        return PcpPacket.of(tag, payload);
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
