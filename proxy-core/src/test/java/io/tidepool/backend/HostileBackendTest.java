package io.tidepool.backend;

import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.backend.ErrorResponse;
import io.tidepool.protocol.frontend.CancelRequest;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.server.ShutdownMode;
import io.tidepool.testing.Bytes;
import io.tidepool.testing.FakeBackend;
import io.tidepool.testing.FakeScripts;
import io.tidepool.testing.LeakDetection;
import io.tidepool.testing.PeerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static io.tidepool.testing.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fake server misbehaves behind a real proxy: the client always gets whole messages and
 * then an ErrorResponse with a SQLSTATE, never a hang or a torn message; nothing leaks.
 */
@ExtendWith(LeakDetection.class)
class HostileBackendTest {

    private static final byte[] DATA_ROW = hex("44 0000000b 0001 00000001 31");

    private final List<FakeBackend> backends = new ArrayList<>();
    private ProxyServer proxy;

    private FakeBackend backend(FakeBackend.Script script) throws Exception {
        FakeBackend fake = new FakeBackend(script);
        backends.add(fake);
        return fake;
    }

    private PeerSocket connectThroughProxy(List<BackendNode> nodes) throws Exception {
        proxy = new ProxyServer(ProxySettings.loopback(0, nodes));
        proxy.start();
        return PeerSocket.connect(proxy.tcpAddress());
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop(ShutdownMode.IMMEDIATE).get();
        }
        for (FakeBackend fake : backends) {
            fake.close();
        }
    }

    @Test
    void serverVanishingMidResultGivesTheClientTheWholeRowsThenConnectionFailure() throws Exception {
        FakeBackend fake = backend(connection -> {
            connection.readStartupPacket();
            connection.acceptLogin(1, 2);
            connection.readMessage();
            // Two whole rows, then half of a third, then gone.
            connection.send(DATA_ROW, DATA_ROW, java.util.Arrays.copyOf(DATA_ROW, 7));
        });
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            client.readUntilReady();
            client.send(Bytes.written(new Query("SELECT x FROM t")::encode));
            assertThat(client.readMessage().body()).isEqualTo(java.util.Arrays.copyOfRange(DATA_ROW, 5, DATA_ROW.length));
            assertThat(client.readMessage().type()).isEqualTo('D');
            PeerSocket.Message last = client.readMessage();
            ErrorResponse error = last.error();
            assertThat(error.code()).isEqualTo("08006");
            assertThat(error.severity()).isEqualTo("FATAL");
            assertThat(error.message()).startsWith("lost the connection to the database server node 0");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void oneServerConnectionDyingLeavesTheOtherSessionsServed() throws Exception {
        FakeBackend[] self = new FakeBackend[1];
        self[0] = backend(connection -> {
            byte[] startup = connection.readStartupPacket();
            connection.acceptLogin(1, 2);
            if (new String(startup, java.nio.charset.StandardCharsets.US_ASCII).contains("victim")) {
                connection.readMessage();
                connection.send(DATA_ROW, java.util.Arrays.copyOf(DATA_ROW, 3));
                return;
            }
            FakeScripts.answerQueries(connection, self[0]);
        });
        try (PeerSocket survivor = connectThroughProxy(List.of(self[0].node(0)));
                PeerSocket victim = PeerSocket.connect(proxy.tcpAddress())) {
            survivor.sendStartup("survivor");
            survivor.readUntilReady();
            victim.sendStartup("victim");
            victim.readUntilReady();
            victim.send(Bytes.written(new Query("SELECT x FROM t")::encode));
            assertThat(victim.readMessage().type()).isEqualTo('D');
            assertThat(victim.readMessage().error().code()).isEqualTo("08006");
            for (int i = 0; i < 3; i++) {
                survivor.send(Bytes.written(new Query("SELECT 1")::encode));
                assertThat(survivor.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('C', 'Z');
            }
        }
    }

    @Test
    void serverAnnouncingAnOversizedMessageIsAProtocolViolation() throws Exception {
        FakeBackend fake = backend(connection -> {
            connection.readStartupPacket();
            connection.acceptLogin(1, 2);
            connection.readMessage();
            connection.send(hex("44 7fffffff 0001"));
            connection.closedByPeer();
        });
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            client.readUntilReady();
            client.send(Bytes.written(new Query("SELECT 1")::encode));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).isEqualTo("the database server node 0 (" + fake.node(0).host() + ":"
                    + fake.node(0).port() + ") broke the protocol: message length 2147483647 exceeds limit 1073741823");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void serverSendingANegativeLengthIsAProtocolViolation() throws Exception {
        FakeBackend fake = backend(connection -> {
            connection.readStartupPacket();
            connection.send(hex("52 ffffffff"));
            connection.closedByPeer();
        });
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).contains("invalid message length -1");
        }
    }

    @Test
    void endlessAuthenticationRoundsAreCut() throws Exception {
        FakeBackend fake = backend(connection -> {
            connection.readStartupPacket();
            try {
                for (int i = 0; i < 100; i++) {
                    connection.send(hex("52 00000008 00000003"));
                }
            } catch (java.io.IOException closedByProxy) {
                return;
            }
            connection.closedByPeer();
        });
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).isEqualTo("the database server " + fake.node(0).describe()
                    + " broke the protocol: it asked for more than 16 authentication rounds");
        }
    }

    @Test
    void noReachableNodeIsAConnectionFailureNamingEveryNode() throws Exception {
        BackendNode closed = new BackendNode(0, "127.0.0.1", closedPort());
        BackendNode alsoClosed = new BackendNode(1, "127.0.0.1", closedPort());
        try (PeerSocket client = connectThroughProxy(List.of(closed, alsoClosed))) {
            client.sendStartup("alice");
            PeerSocket.Message message = client.readMessage();
            ErrorResponse error = message.error();
            assertThat(error.code()).isEqualTo("08006");
            assertThat(error.message()).isEqualTo("could not connect to any backend node");
            assertThat(error.fields().get('D').orElseThrow()).contains("node 0 (127.0.0.1:" + closed.port() + ")")
                    .contains("node 1 (127.0.0.1:" + alsoClosed.port() + ")");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void aNodeRefusingConnectionsIsSkippedInRawMode() throws Exception {
        FakeBackend fake = FakeScripts.servingBackend();
        backends.add(fake);
        BackendNode closed = new BackendNode(0, "127.0.0.1", closedPort());
        try (PeerSocket client = connectThroughProxy(List.of(closed, fake.node(1)))) {
            client.sendStartup("alice");
            assertThat(client.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('R', 'S', 'K', 'Z');
        }
    }

    @Test
    void aBackendGivenByHostNameIsResolvedAndServed() throws Exception {
        FakeBackend fake = FakeScripts.servingBackend();
        backends.add(fake);
        BackendNode byName = new BackendNode(0, "localhost", fake.node(0).port());
        try (PeerSocket client = connectThroughProxy(List.of(byName))) {
            client.sendStartup("alice");
            assertThat(client.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('R', 'S', 'K', 'Z');
        }
    }

    @Test
    void aFatalErrorFromTheServerIsRelayedAlone() throws Exception {
        FakeBackend fake = backend(connection -> {
            connection.readStartupPacket();
            connection.acceptLogin(1, 2);
            connection.send(Bytes.written(ErrorResponse.of(Severity.FATAL, SqlState.ADMIN_SHUTDOWN,
                    "terminating connection due to administrator command")::encode));
        });
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            client.readUntilReady();
            assertThat(client.readMessage().error().code()).isEqualTo("57P01");
            client.expectEndOfStream();
        }
    }

    @Test
    void theClientGetsTheProxysKeyAndItsCancelReachesTheServerWithTheServersKey() throws Exception {
        FakeBackend fake = FakeScripts.servingBackend();
        backends.add(fake);
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            PeerSocket.Message keyMessage = client.readUntilReady().stream().filter(m -> m.type() == 'K').findFirst()
                    .orElseThrow();
            var proxyKey = keyMessage.backendKey();
            assertThat(proxyKey.processId()).isNotEqualTo(FakeScripts.BACKEND_PID);

            try (PeerSocket wrong = PeerSocket.connect(proxy.tcpAddress())) {
                wrong.send(Bytes.written(new CancelRequest(proxyKey.processId(), proxyKey.secretKey() + 1)::encode));
                assertThat(wrong.closedByPeer()).isTrue();
            }
            try (PeerSocket cancel = PeerSocket.connect(proxy.tcpAddress())) {
                cancel.send(Bytes.written(new CancelRequest(proxyKey.processId(), proxyKey.secretKey())::encode));
                assertThat(cancel.closedByPeer()).isTrue();
            }
            // Only the right key got through, carrying the server's own key.
            assertThat(fake.nextEvent(5)).isEqualTo(new CancelRequest(FakeScripts.BACKEND_PID, FakeScripts.BACKEND_SECRET));
            assertThat(fake.pollEvent(300)).isEmpty();
        }
    }

    @Test
    void aLongProtocol32ServerKeyStaysBehindTheProxysShortKey() throws Exception {
        byte[] longSecret = new byte[32];
        java.util.Arrays.fill(longSecret, (byte) 0x33);
        FakeBackend[] self = new FakeBackend[1];
        self[0] = backend(connection -> {
            var first = FakeScripts.decodeStartup(connection.readStartupPacket());
            if (first instanceof CancelRequest cancel) {
                self[0].report(cancel);
                return;
            }
            connection.send(hex("52 00000008 00000000"),
                    Bytes.written(new io.tidepool.protocol.backend.BackendKeyData(99, longSecret)::encode),
                    Bytes.written(io.tidepool.protocol.backend.ReadyForQuery.IDLE::encode));
            connection.closedByPeer();
        });
        try (PeerSocket client = connectThroughProxy(List.of(self[0].node(0)))) {
            client.sendStartup("alice");
            var proxyKey = client.readUntilReady().stream().filter(m -> m.type() == 'K').findFirst().orElseThrow()
                    .backendKey();
            assertThat(proxyKey.secret()).hasSize(4);
            try (PeerSocket cancel = PeerSocket.connect(proxy.tcpAddress())) {
                cancel.send(Bytes.written(CancelRequest.of(proxyKey)::encode));
                assertThat(cancel.closedByPeer()).isTrue();
            }
            assertThat(self[0].nextEvent(5)).isEqualTo(new CancelRequest(99, longSecret));
        }
    }

    @Test
    void fastStopSendsAdminShutdownToEverySession() throws Exception {
        FakeBackend fake = FakeScripts.servingBackend();
        backends.add(fake);
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            client.readUntilReady();
            var stopped = proxy.stop(ShutdownMode.FAST);
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("57P01");
            assertThat(error.message()).isEqualTo("terminating connection due to administrator command");
            assertThat(client.closedByPeer()).isTrue();
            stopped.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(fake.nextEvent(5)).isEqualTo(FakeScripts.TERMINATED);
    }

    @Test
    void smartStopWaitsForSessionsToEnd() throws Exception {
        FakeBackend fake = FakeScripts.servingBackend();
        backends.add(fake);
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            client.readUntilReady();
            java.net.InetSocketAddress address = proxy.tcpAddress();
            var stopped = proxy.stop(ShutdownMode.SMART);
            // New clients are turned away (once the listener has closed), the running session goes on.
            for (int i = 0; i < 100 && canConnect(address); i++) {
                Thread.sleep(20);
            }
            assertThat(canConnect(address)).isFalse();
            client.send(Bytes.written(new Query("SELECT 1")::encode));
            assertThat(client.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('C', 'Z');
            assertThat(stopped).isNotDone();
            client.send(hex("58 00000004"));
            stopped.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void immediateStopClosesEverySession() throws Exception {
        FakeBackend fake = FakeScripts.servingBackend();
        backends.add(fake);
        try (PeerSocket client = connectThroughProxy(List.of(fake.node(0)))) {
            client.sendStartup("alice");
            client.readUntilReady();
            proxy.stop(ShutdownMode.IMMEDIATE).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    private static boolean canConnect(java.net.InetSocketAddress address) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(address, 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
