package io.tidepool.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.ProtocolLimits;
import io.tidepool.transport.Transport;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every refused connection is told to the listener ({@code failover_on_backend_error} depends on
 * it), whether the connector tries one node (streaming mode's primary) or several in order (raw
 * mode).
 */
class BackendConnectorTest {

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    private final BackendConnector connector = new BackendConnector(transport);
    private final List<BackendNode> refused = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aRefusedConnectionToOneNodeIsToldToTheListenerAndFailsWith08006() throws Exception {
        BackendNode node = new BackendNode(3, "127.0.0.1", closedPort());
        Future<BackendConnection> connecting = connector.connectTo(loop(), ByteBufAllocator.DEFAULT, node,
                Duration.ofSeconds(5), ProtocolLimits.POSTGRESQL, new Recording());

        assertThat(connecting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(connecting.cause()).isInstanceOf(PgException.class);
        assertThat(((PgException) connecting.cause()).sqlState().code()).isEqualTo("08006");
        assertThat(refused).containsExactly(node);
    }

    @Test
    void everyRefusedNodeOfAnOrderedListIsToldToTheListener() throws Exception {
        BackendNode first = new BackendNode(0, "127.0.0.1", closedPort());
        BackendNode second = new BackendNode(1, "127.0.0.1", closedPort());
        Future<BackendConnection> connecting = connector.connectFirstAvailable(loop(), ByteBufAllocator.DEFAULT,
                List.of(first, second), Duration.ofSeconds(5), ProtocolLimits.POSTGRESQL, new Recording());

        assertThat(connecting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(connecting.isSuccess()).isFalse();
        assertThat(refused).containsExactly(first, second);
    }

    private EventLoop loop() {
        return group.next();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Records refused connections; nothing else can happen before a connection exists. */
    private final class Recording implements BackendConnection.Listener {
        @Override
        public void onBackendConnectFailed(BackendNode node, Throwable cause) {
            refused.add(node);
        }

        @Override
        public void onBackendMessage(BackendConnection from, byte type, ByteBuf frames, int start, int length) {
            throw new AssertionError("no connection, no message");
        }

        @Override
        public void onBackendBatchEnd(BackendConnection from) {
        }

        @Override
        public void onBackendReadComplete(BackendConnection from) {
        }

        @Override
        public void onBackendWritabilityChanged(BackendConnection from, boolean writable) {
        }

        @Override
        public void onBackendProtocolFailure(BackendConnection backend, PgException error) {
        }

        @Override
        public void onBackendClosed(BackendConnection backend) {
        }
    }
}
