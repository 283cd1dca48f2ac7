package io.tidepool.admin.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PcpClient} against fake servers that stall, lie or misbehave: it must fail fast and clearly. */
class PcpClientTest {

    private ServerSocket listener;
    private final CountDownLatch done = new CountDownLatch(1);

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        done.countDown();
        listener.close();
    }

    /** Accepts one connection, reads the salt request, then answers with {@code answer}. */
    private void fakeServer(byte[] answer) {
        CompletableFuture.runAsync(() -> {
            try (Socket socket = listener.accept()) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                in.readUnsignedByte();
                in.readInt();
                OutputStream out = socket.getOutputStream();
                out.write(answer);
                out.flush();
                done.await(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // the test decides
            }
        });
    }

    private PcpClient connect(Duration timeout) throws PcpClientException {
        return PcpClient.connect(new PcpEndpoint("127.0.0.1", listener.getLocalPort()),
                PcpClient.Options.defaults().withTimeout(timeout));
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        fakeServer(new byte[0]);
        try (PcpClient client = connect(Duration.ofMillis(500))) {
            assertThatThrownBy(() -> client.authenticate("u", "p"))
                    .isInstanceOf(PcpClientException.class)
                    .hasMessageContaining("no answer from 127.0.0.1:" + listener.getLocalPort());
        }
    }

    @Test
    void anUnexpectedPacketTypeIsAProtocolError() throws Exception {
        fakeServer(PcpPacket.ofStrings('z', "CommandComplete").toBytes());
        try (PcpClient client = connect(Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.authenticate("u", "p"))
                    .hasMessageContaining("invalid PCP response")
                    .hasMessageContaining("packet type \"z\" where \"m\" was expected");
        }
    }

    @Test
    void aSaltOfTheWrongSizeIsAProtocolError() throws Exception {
        fakeServer(PcpPacket.of('m', new byte[] {1, 2}).toBytes());
        try (PcpClient client = connect(Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.authenticate("u", "p")).hasMessageContaining("salt of 2 bytes");
        }
    }

    @Test
    void anAbsurdLengthIsRefusedWithoutAllocating() throws Exception {
        fakeServer(HexFormat.of().parseHex("6d7ffffff0"));
        try (PcpClient client = connect(Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.authenticate("u", "p"))
                    .hasMessageContaining("incorrect packet length (2147483632)");
        }
    }

    @Test
    void aServerThatHangsUpIsReported() throws Exception {
        CompletableFuture.runAsync(() -> {
            try (Socket socket = listener.accept()) {
                socket.getInputStream().read();
            } catch (IOException e) {
                // closing is the point
            }
        });
        try (PcpClient client = connect(Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.authenticate("u", "p")).hasMessageContaining("closed the connection");
        }
    }

    @Test
    void noticesBeforeTheAnswerArePassedOn() throws Exception {
        byte[] notice = PcpErrorPacket.of("NOTICE", "heads up", null).toPacket().toBytes();
        byte[] salt = PcpPacket.of('m', new byte[] {1, 2, 3, 4}).toBytes();
        byte[] both = new byte[notice.length + salt.length];
        System.arraycopy(notice, 0, both, 0, notice.length);
        System.arraycopy(salt, 0, both, notice.length, salt.length);
        fakeServer(both);
        java.util.List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (PcpClient client = PcpClient.connect(new PcpEndpoint("127.0.0.1", listener.getLocalPort()),
                PcpClient.Options.defaults().withTimeout(Duration.ofMillis(800))
                        .withNotices(n -> notices.add(n.message())))) {
            // The fake server answers nothing after the salt: the client times out waiting for 'r'.
            assertThatThrownBy(() -> client.authenticate("u", "p")).hasMessageContaining("no answer");
        }
        assertThat(notices).containsExactly("heads up");
    }

    @Test
    void nothingListeningIsAConnectionError() throws IOException {
        int port = listener.getLocalPort();
        listener.close();
        assertThatThrownBy(() -> PcpClient.connect(new PcpEndpoint("127.0.0.1", port), PcpClient.Options.defaults()))
                .hasMessage("connection to host \"127.0.0.1\" failed with error \"Connection refused\"");
    }
}
