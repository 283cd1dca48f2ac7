package io.tidepool.server;

import io.tidepool.frontend.SessionSettings;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.testing.Bytes;
import io.tidepool.testing.FakeBackend;
import io.tidepool.testing.FakeScripts;
import io.tidepool.testing.LeakDetection;
import io.tidepool.testing.PeerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listeners, the Unix socket file, reload and start failures of {@link ProxyServer}. */
@ExtendWith(LeakDetection.class)
class ProxyServerTest {

    @TempDir
    Path directory;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private FakeBackend backend() throws IOException {
        FakeBackend backend = FakeScripts.servingBackend();
        resources.add(backend);
        return backend;
    }

    private ProxyServer started(ProxySettings settings) throws Exception {
        ProxyServer server = new ProxyServer(settings);
        server.start();
        resources.add(server);
        return server;
    }

    @Test
    void everyListenAddressSharesThePortChosenForTheFirst() throws Exception {
        ProxySettings settings = ProxySettings.loopback(0, List.of(backend().node(0)))
                .withListenAddresses(List.of("127.0.0.1", "::1"));
        ProxyServer server = started(settings);
        List<SocketAddress> bound = server.boundAddresses();
        assertThat(bound).hasSize(2);
        int port = ((InetSocketAddress) bound.get(0)).getPort();
        assertThat(port).isPositive();
        assertThat(((InetSocketAddress) bound.get(1)).getPort()).isEqualTo(port);
        for (SocketAddress address : bound) {
            try (PeerSocket client = PeerSocket.connect((InetSocketAddress) address)) {
                client.sendStartup("alice");
                assertThat(client.readUntilReady()).isNotEmpty();
            }
        }
    }

    @Test
    void aSessionLoopThatEndsWhileServingIsReportedAndOneEndedByAStopIsNot() throws Exception {
        ProxyServer server = started(ProxySettings.loopback(0, List.of(backend().node(0))).withWorkerThreads(2));
        try (PeerSocket client = PeerSocket.connect(server.tcpAddress())) {
            client.sendStartup("alice");
            assertThat(client.readUntilReady()).isNotEmpty();
        }
        assertThat(server.lostLoop()).isEmpty();

        // What an Error escaping a loop does: the loop ends, the proxy still thinks it serves.
        server.sessionLoops().iterator().next().shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();

        assertThat(server.lostLoop()).contains("event loop 1 of 2 serving sessions ended unexpectedly");
        server.stop(ShutdownMode.FAST).get(10, TimeUnit.SECONDS);

        ProxyServer stoppedOnPurpose = started(ProxySettings.loopback(0, List.of(backend().node(0))));
        stoppedOnPurpose.stop(ShutdownMode.FAST).get(10, TimeUnit.SECONDS);
        assertThat(stoppedOnPurpose.lostLoop()).as("a stop ends the loops on purpose").isEmpty();
    }

    @Test
    void unixSocketFileIsCreatedWithItsPermissionsAndRemovedOnStop() throws Exception {
        ProxySettings settings = ProxySettings.loopback(0, List.of(backend().node(0)))
                .withUnixSocketDirectories(List.of(directory));
        ProxyServer server = new ProxyServer(settings);
        server.start();
        int port = server.tcpAddress().getPort();
        Path socket = directory.resolve(".s.PGSQL." + port);
        assertThat(Files.exists(socket)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rwxrwxrwx");
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap(Bytes.written(
                    io.tidepool.protocol.frontend.StartupMessage.of(java.util.Map.of("user", "alice"))::encode)));
            assertThat(readUntilReady(channel)).startsWith("R").endsWith("Z");
        }
        server.stop(ShutdownMode.FAST).get(10, TimeUnit.SECONDS);
        assertThat(Files.exists(socket)).isFalse();
    }

    /** epoll is the default here; io_uring (opt-in) and NIO (elsewhere) must serve the same. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(io.tidepool.transport.Transport.class)
    void everyTransportServesTcpAndUnixSocketClients(io.tidepool.transport.Transport transport) throws Exception {
        ProxySettings settings = ProxySettings.loopback(0, List.of(backend().node(0)))
                .withUnixSocketDirectories(List.of(directory));
        ProxyServer server = new ProxyServer(settings, transport);
        server.start();
        resources.add(server);
        try (PeerSocket client = PeerSocket.connect(server.tcpAddress())) {
            client.sendStartup("alice");
            client.readUntilReady();
            client.send(Bytes.written(new Query("SELECT 1")::encode));
            assertThat(client.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('C', 'Z');
        }
        Path socket = directory.resolve(".s.PGSQL." + server.tcpAddress().getPort());
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap(Bytes.written(
                    io.tidepool.protocol.frontend.StartupMessage.of(java.util.Map.of("user", "alice"))::encode)));
            assertThat(readUntilReady(channel)).startsWith("R").endsWith("Z");
        }
    }

    @Test
    void aStaleSocketFileIsReplacedAndALiveOneIsAnError() throws Exception {
        int port = freePort();
        Path socket = directory.resolve(".s.PGSQL." + port);
        Files.createFile(socket);
        ProxySettings settings = new ProxySettings(List.of("127.0.0.1"), port, List.of(directory), 0700, 16, "raw",
                SessionSettings.defaults(List.of(backend().node(0))));
        ProxyServer first = started(settings);
        assertThat(first.boundAddresses()).hasSize(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rwx------");

        ProxySettings sameSocket = settings.withListenAddresses(List.of());
        ProxyServer second = new ProxyServer(sameSocket);
        assertThatThrownBy(second::start).isInstanceOf(IOException.class)
                .hasMessage("Unix socket " + socket + " is in use by another server; stop it or change port");
        assertThat(Files.exists(socket)).as("the live server's socket is left alone").isTrue();
    }

    @Test
    void aTakenPortFailsTheStartNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ProxyServer server = new ProxyServer(ProxySettings.loopback(taken.getLocalPort(), List.of(backend().node(0))));
            assertThatThrownBy(server::start).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("could not listen on /127.0.0.1:" + taken.getLocalPort()
                            + " (listen_addresses '127.0.0.1', port " + taken.getLocalPort() + ")");
            assertThat(server.boundAddresses()).isEmpty();
        }
    }

    @Test
    void reloadAppliesSessionParametersAndNamesTheOnesThatNeedARestart() throws Exception {
        FakeBackend backend = backend();
        ProxySettings settings = ProxySettings.loopback(0, List.of(backend.node(0)));
        ProxyServer server = started(settings);
        SessionSettings logging = new SessionSettings(settings.session().backends(), settings.session().limits(),
                settings.session().connectTimeout(), settings.session().authenticationTimeout(), true, true, true, true);
        ProxySettings changed = new ProxySettings(List.of("127.0.0.1"), 7777, List.of(), 0777, 128, "raw", logging);
        assertThat(server.reload(changed)).containsExactly("port");
        // Sessions keep working with the reloaded settings.
        try (PeerSocket client = PeerSocket.connect(server.tcpAddress())) {
            client.sendStartup("alice");
            client.readUntilReady();
            client.send(Bytes.written(new Query("SELECT 1")::encode));
            assertThat(client.readUntilReady()).extracting(PeerSocket.Message::type).containsExactly('C', 'Z');
        }
    }

    @Test
    void aReloadKeepsWorkerThreadsSoTheNextOneDoesNotAskForARestart() throws Exception {
        ProxySettings settings = ProxySettings.loopback(0, List.of(backend().node(0))).withWorkerThreads(1);
        ProxyServer server = started(settings);
        assertThat(server.reload(settings)).isEmpty();
        assertThat(server.reload(settings)).as("the first reload must not have forgotten worker_threads").isEmpty();
        assertThat(server.reload(settings.withWorkerThreads(2))).containsExactly("worker_threads");
    }

    /** The types of the messages read up to ReadyForQuery, as a string such as {@code "RSKZ"}. */
    private static String readUntilReady(SocketChannel channel) throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(Channels.newInputStream(channel));
        StringBuilder types = new StringBuilder();
        char type;
        do {
            type = (char) in.readUnsignedByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            types.append(type);
        } while (type != 'Z');
        return types.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }
    }
}
