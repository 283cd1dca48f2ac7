package io.tidepool.frontend;

import io.tidepool.protocol.backend.ErrorResponse;
import io.tidepool.protocol.frontend.GssEncRequest;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.protocol.frontend.SslRequest;
import io.tidepool.server.ProxyServer;
import io.tidepool.server.ProxySettings;
import io.tidepool.testing.Bytes;
import io.tidepool.testing.FakeBackend;
import io.tidepool.testing.FakeScripts;
import io.tidepool.testing.LeakDetection;
import io.tidepool.testing.PeerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.tidepool.testing.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fake client lies to a real proxy in front of a fake server: each lie ends that session
 * with an ErrorResponse carrying a SQLSTATE, leaves the server at a message boundary, leaks
 * nothing, and leaves other sessions alone.
 */
@ExtendWith(LeakDetection.class)
class HostileClientTest {

    private FakeBackend backend;
    private ProxyServer proxy;

    private PeerSocket startProxyAndConnect() throws Exception {
        return startProxyAndConnect(FakeScripts.servingBackend(), Duration.ofSeconds(60));
    }

    private PeerSocket startProxyAndConnect(FakeBackend fake, Duration authenticationTimeout) throws Exception {
        backend = fake;
        ProxySettings settings = ProxySettings.loopback(0, List.of(backend.node(0)));
        SessionSettings session = settings.session();
        proxy = new ProxyServer(settings.withSession(new SessionSettings(session.backends(), session.limits(),
                session.connectTimeout(), authenticationTimeout, false, false, false, false)));
        proxy.start();
        return PeerSocket.connect(proxy.tcpAddress());
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop(io.tidepool.server.ShutdownMode.IMMEDIATE).get();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void oversizedStartupPacketIsAnsweredWithProtocolViolation() throws Exception {
        try (PeerSocket client = startProxyAndConnect()) {
            client.send(hex("40000000 00030000"));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).isEqualTo("startup packet length 1073741824 exceeds limit 10000");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.connectionCount()).isZero();
    }

    @Test
    void negativeStartupLengthIsAnsweredWithProtocolViolation() throws Exception {
        try (PeerSocket client = startProxyAndConnect()) {
            client.send(hex("fffffff0"));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).startsWith("invalid startup packet length -16");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void httpRequestIsAnsweredWithProtocolViolation() throws Exception {
        try (PeerSocket client = startProxyAndConnect()) {
            client.send(Bytes.ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).contains("exceeds limit 10000");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void sslAndGssEncRequestsAreDeclinedAndTheSessionGoesOn() throws Exception {
        try (PeerSocket client = startProxyAndConnect()) {
            client.send(Bytes.written(SslRequest.INSTANCE::encode));
            assertThat(client.readByte()).isEqualTo('N');
            client.send(Bytes.written(GssEncRequest.INSTANCE::encode));
            assertThat(client.readByte()).isEqualTo('N');
            client.sendStartup("alice");
            assertThat(client.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('R', 'S', 'K', 'Z');
        }
    }

    @Test
    void endlessNegotiationRequestsAreCut() throws Exception {
        try (PeerSocket client = startProxyAndConnect()) {
            for (int i = 0; i < ClientSession.MAX_NEGOTIATION_PACKETS; i++) {
                client.send(Bytes.written(SslRequest.INSTANCE::encode));
                assertThat(client.readByte()).isEqualTo('N');
            }
            client.send(Bytes.written(SslRequest.INSTANCE::encode));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).startsWith("too many SSL/GSSENC negotiation requests");
        }
    }

    @Test
    void oversizedMessageDuringAuthenticationIsRefusedBeforeItArrives() throws Exception {
        FakeBackend[] self = new FakeBackend[1];
        self[0] = new FakeBackend(connection -> {
            connection.readStartupPacket();
            connection.send(hex("52 00000008 00000003"));
            PeerSocket.Message next = connection.readMessage();
            self[0].report(next.type());
        });
        try (PeerSocket client = startProxyAndConnect(self[0], Duration.ofSeconds(60))) {
            client.sendStartup("alice");
            assertThat(client.readMessage().type()).isEqualTo('R');
            client.send(hex("70 000186a0"));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).isEqualTo("message length 100000 exceeds limit 10000");
            assertThat(client.closedByPeer()).isTrue();
        }
        // The server saw no part of the lie, only a polite goodbye.
        assertThat(backend.nextEvent(5)).isEqualTo('X');
    }

    @Test
    void queryBeforeAuthenticationIsAProtocolViolation() throws Exception {
        FakeBackend fake = new FakeBackend(connection -> {
            connection.readStartupPacket();
            connection.send(hex("52 00000008 00000003"));
            connection.closedByPeer();
        });
        try (PeerSocket client = startProxyAndConnect(fake, Duration.ofSeconds(60))) {
            client.sendStartup("alice");
            assertThat(client.readMessage().type()).isEqualTo('R');
            client.send(Bytes.written(new Query("SELECT 1")::encode));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).startsWith("unexpected message 'Q' during authentication");
        }
    }

    @Test
    void clientThatNeverAnswersTheAuthenticationRequestTimesOut() throws Exception {
        FakeBackend fake = new FakeBackend(connection -> {
            connection.readStartupPacket();
            connection.send(hex("52 00000008 00000003"));
            connection.closedByPeer();
        });
        try (PeerSocket client = startProxyAndConnect(fake, Duration.ofSeconds(1))) {
            client.sendStartup("alice");
            assertThat(client.readMessage().type()).isEqualTo('R');
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08006");
            assertThat(error.message()).isEqualTo("authentication did not complete within authentication_timeout (1 s)");
        }
    }

    @Test
    void invalidMessageTypeAfterAuthenticationIsAProtocolViolation() throws Exception {
        try (PeerSocket client = startProxyAndConnect()) {
            client.sendStartup("alice");
            client.readUntilReady();
            client.send(hex("07 00000004"));
            ErrorResponse error = client.readError();
            assertThat(error.code()).isEqualTo("08P01");
            assertThat(error.message()).startsWith("invalid frontend message type 0x07");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(backend.nextEvent(5)).isEqualTo(FakeScripts.TERMINATED);
    }

    @Test
    void clientVanishingMidMessageLeavesTheServerAtAMessageBoundary() throws Exception {
        byte[] query = Bytes.written(new Query("SELECT 'a long enough statement'")::encode);
        try (PeerSocket client = startProxyAndConnect()) {
            client.sendStartup("alice");
            client.readUntilReady();
            client.send(Arrays.copyOf(query, query.length / 2));
        }
        // No half Query reached the server: it got Terminate instead.
        assertThat(backend.nextEvent(5)).isEqualTo(FakeScripts.TERMINATED);
        awaitNoSessions();
    }

    @Test
    void aHostileClientDoesNotDisturbAnotherSession() throws Exception {
        try (PeerSocket good = startProxyAndConnect(); PeerSocket bad = PeerSocket.connect(proxy.tcpAddress())) {
            good.sendStartup("alice");
            good.readUntilReady();
            bad.sendStartup("mallory");
            bad.readUntilReady();
            bad.send(hex("51 7fffffff"));
            assertThat(bad.readError().code()).isEqualTo("08P01");
            good.send(Bytes.written(new Query("SELECT 1")::encode));
            assertThat(good.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('C', 'Z');
        }
    }

    private void awaitNoSessions() throws InterruptedException {
        for (int i = 0; i < 100 && proxy.sessionCount() > 0; i++) {
            Thread.sleep(20);
        }
        assertThat(proxy.sessionCount()).isZero();
    }
}
