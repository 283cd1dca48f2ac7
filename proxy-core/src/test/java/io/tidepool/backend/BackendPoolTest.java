package io.tidepool.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.ProtocolLimits;
import io.tidepool.protocol.backend.BackendKeyData;
import io.tidepool.testing.LeakDetection;
import io.tidepool.transport.Transport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whatever ends a parked connection (the server closing it, connection_life_time, the event loop
 * shutting down with the server), the ParameterStatus copy it keeps for its next owner is released.
 * The "server" is a plain loopback socket: nothing is said on these connections.
 */
@ExtendWith(LeakDetection.class)
class BackendPoolTest {

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    private final BackendConnector connector = new BackendConnector(transport);
    private final List<Socket> accepted = new ArrayList<>();
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        for (Socket s : accepted) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aParkedConnectionTheServerClosesReleasesItsParameterStatus() throws Exception {
        BackendPool pool = new BackendPool(settings(Duration.ZERO));
        ByteBuf status = park(pool);
        assertThat(pool.idle()).singleElement().satisfies(c -> {
            assertThat(c.node()).isZero();
            assertThat(c.user()).isEqualTo("u");
            assertThat(c.database()).isEqualTo("d");
            assertThat(c.backendPid()).isEqualTo(1);
            assertThat(c.uses()).isEqualTo(1);
            assertThat(c.opened()).isBeforeOrEqualTo(c.parkedAt());
        });

        accepted.get(0).close();

        awaitReleased(status);
        assertThat(pool.idleConnections(0)).isZero();
        assertThat(pool.idle()).isEmpty();
    }

    @Test
    void aConnectionTakenFromThePoolIsNoLongerListedAsIdle() throws Exception {
        BackendPool pool = new BackendPool(settings(Duration.ZERO));
        park(pool);
        park(pool);
        assertThat(pool.idle()).hasSize(2);

        BackendPool.Pooled taken = onLoop(() -> pool.take(loop(), key()).orElseThrow());
        assertThat(pool.idle()).hasSize(1);
        onLoop(() -> {
            taken.parameterStatus.release();
            return taken.connection.channel().close();
        });
        pool.close().get(10, TimeUnit.SECONDS);
        assertThat(pool.idle()).isEmpty();
    }

    @Test
    void aParkedConnectionPastConnectionLifeTimeReleasesItsParameterStatus() throws Exception {
        BackendPool pool = new BackendPool(settings(Duration.ofMillis(50)));
        ByteBuf status = park(pool);

        awaitReleased(status);
        assertThat(pool.idleConnections(0)).isZero();
        assertThat(pool.idle()).isEmpty();
    }

    @Test
    void closingThePoolReleasesEveryParkedConnectionsParameterStatusBeforeItsLoopStops() throws Exception {
        // A loop that shuts down closes its channels but does not always tell their handlers
        // (without close(), about half of 20 runs left both copies unreleased), so the server
        // closes the pool first.
        BackendPool pool = new BackendPool(settings(Duration.ZERO));
        ByteBuf first = park(pool);
        ByteBuf second = park(pool);

        pool.close().get(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();

        assertThat(first.refCnt()).as("first parked connection's copy").isZero();
        assertThat(second.refCnt()).as("second parked connection's copy").isZero();
        assertThat(pool.idleConnections(0)).isZero();
    }

    @Test
    void aConnectionWhoseResetEndsAfterThePoolClosedIsClosedNotParked() throws Exception {
        BackendPool pool = new BackendPool(settings(Duration.ZERO));
        pool.close().get(10, TimeUnit.SECONDS);

        ByteBuf status = park(pool);

        assertThat(status.refCnt()).isZero();
        assertThat(pool.idleConnections(0)).isZero();
    }

    @Test
    void closingThePoolEndsAConnectionWhoseResetIsStillRunning() throws Exception {
        // The server here never answers DISCARD ALL, as a busy one may not before the loop stops:
        // the connection is no session's and not parked, so only the pool can end it.
        BackendPool pool = new BackendPool(new BackendPool.Settings(true, 8, Duration.ZERO, 0, List.of("DISCARD ALL")));
        BackendConnection connection = connect();
        ByteBuf status = onLoop(() -> {
            ByteBuf copy = parameterStatus(connection);
            pool.reset(loop(), key(), new BackendPool.Pooled(connection, new BackendKeyData(1, 2), copy, 1, false));
            return copy;
        });
        assertThat(accepted.get(0).getInputStream().read()).as("the reset query reached the server").isEqualTo('Q');

        pool.close().get(10, TimeUnit.SECONDS);

        assertThat(status.refCnt()).as("the resetting connection's copy").isZero();
        // The rest of the Query ("DISCARD ALL", its length, its terminator), then end of stream.
        assertThat(accepted.get(0).getInputStream().readAllBytes()).as("the connection was closed").hasSize(16);
        assertThat(pool.idleConnections(0)).isZero();
    }

    @Test
    void aConnectionHandedOverAfterThePoolClosedIsClosedWithoutAReset() throws Exception {
        BackendPool pool = new BackendPool(new BackendPool.Settings(true, 8, Duration.ZERO, 0, List.of("DISCARD ALL")));
        pool.close().get(10, TimeUnit.SECONDS);
        BackendConnection connection = connect();

        ByteBuf status = onLoop(() -> {
            ByteBuf copy = parameterStatus(connection);
            pool.reset(loop(), key(), new BackendPool.Pooled(connection, new BackendKeyData(1, 2), copy, 1, false));
            return copy;
        });

        assertThat(status.refCnt()).isZero();
        assertThat(accepted.get(0).getInputStream().read()).as("nothing sent, then end of stream").isEqualTo(-1);
    }

    // ------------------------------------------------------------------ helpers

    private static BackendPool.Settings settings(Duration idleLifetime) {
        return new BackendPool.Settings(true, 8, idleLifetime, 0, List.of());
    }

    private static BackendPool.Key key() {
        return new BackendPool.Key(0, "u", "d", Map.of(), false);
    }

    private EventLoop loop() {
        return group.next();
    }

    /** Connects, then parks the connection with a ParameterStatus copy; returns the copy (owned by the pool). */
    private ByteBuf park(BackendPool pool) throws Exception {
        BackendConnection connection = connect();
        return onLoop(() -> {
            ByteBuf status = parameterStatus(connection);
            pool.park(loop(), key(), new BackendPool.Pooled(connection, new BackendKeyData(1, 2), status, 1, false));
            return status;
        });
    }

    /** A connection to the silent loopback server, accepted there. */
    private BackendConnection connect() throws Exception {
        if (server == null) {
            server = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        }
        BackendNode node = new BackendNode(0, "127.0.0.1", server.getLocalPort());
        BackendConnection connection = connector.connectTo(loop(), ByteBufAllocator.DEFAULT, node, Duration.ofSeconds(5),
                ProtocolLimits.POSTGRESQL, new Ignoring()).get(10, TimeUnit.SECONDS);
        Socket socket = server.accept();
        socket.setSoTimeout(10_000);
        accepted.add(socket);
        return connection;
    }

    /** A stand-in for the ParameterStatus messages a login collects (one empty 'S' frame). */
    private static ByteBuf parameterStatus(BackendConnection connection) {
        ByteBuf status = connection.channel().alloc().buffer(64);
        status.writeBytes(new byte[] {'S', 0, 0, 0, 4});
        return status;
    }

    private <T> T onLoop(Callable<T> action) throws Exception {
        return loop().submit(action).get(10, TimeUnit.SECONDS);
    }

    private static void awaitReleased(ByteBuf status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (status.refCnt() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(status.refCnt()).as("the parked connection's ParameterStatus copy").isZero();
    }

    private static final class Ignoring implements BackendConnection.Listener {
        @Override
        public void onBackendMessage(BackendConnection backend, byte type, ByteBuf frames, int start, int length) {
        }

        @Override
        public void onBackendBatchEnd(BackendConnection backend) {
        }

        @Override
        public void onBackendReadComplete(BackendConnection backend) {
        }

        @Override
        public void onBackendWritabilityChanged(BackendConnection backend, boolean writable) {
        }

        @Override
        public void onBackendProtocolFailure(BackendConnection backend, PgException error) {
        }

        @Override
        public void onBackendClosed(BackendConnection backend) {
        }
    }
}
