package io.tidepool.testing;

import io.tidepool.protocol.backend.BackendKeyData;
import io.tidepool.protocol.backend.ErrorResponse;
import io.tidepool.protocol.backend.ParameterStatus;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.frontend.StartupMessage;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One end of a loopback connection speaking raw protocol bytes, for hostile-peer tests: the
 * fake client and the fake server use it to send exactly the bytes a test wants (lies about
 * lengths included) and to read what the proxy sends. Blocking, with a read timeout so that
 * a test fails instead of hanging.
 */
public final class PeerSocket implements AutoCloseable {

    /** A typed message as read: type and body (the bytes after the length field). */
    public record Message(char type, byte[] body) {
        public ErrorResponse error() {
            if (type != 'E') {
                throw new AssertionError("expected an ErrorResponse, got '" + type + "'");
            }
            io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(body);
            try {
                return ErrorResponse.decode(buf);
            } finally {
                buf.release();
            }
        }

        public BackendKeyData backendKey() {
            io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(body);
            try {
                return BackendKeyData.decode(buf);
            } finally {
                buf.release();
            }
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public PeerSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static PeerSocket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        return new PeerSocket(socket);
    }

    public void send(byte[]... chunks) throws IOException {
        for (byte[] chunk : chunks) {
            out.write(chunk);
        }
        out.flush();
    }

    public void sendStartup(String user) throws IOException {
        sendStartup(user, "db");
    }

    public void sendStartup(String user, String database) throws IOException {
        send(Bytes.written(StartupMessage.of(Map.of("user", user, "database", database))::encode));
    }

    public int readByte() throws IOException {
        return in.read();
    }

    /** The whole untyped startup-phase packet, length included. */
    public byte[] readStartupPacket() throws IOException {
        int length = in.readInt();
        byte[] packet = new byte[length];
        packet[0] = (byte) (length >>> 24);
        packet[1] = (byte) (length >>> 16);
        packet[2] = (byte) (length >>> 8);
        packet[3] = (byte) length;
        in.readFully(packet, 4, length - 4);
        return packet;
    }

    public Message readMessage() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    /** Reads messages up to and including ReadyForQuery. */
    public List<Message> readUntilReady() throws IOException {
        List<Message> messages = new ArrayList<>();
        while (true) {
            Message message = readMessage();
            messages.add(message);
            if (message.type() == 'Z') {
                return messages;
            }
        }
    }

    /** Reads until an ErrorResponse and returns it, failing on end of stream. */
    public ErrorResponse readError() throws IOException {
        while (true) {
            Message message = readMessage();
            if (message.type() == 'E') {
                return message.error();
            }
        }
    }

    /** Whether the other side closes the connection within the read timeout, all input drained. */
    public boolean closedByPeer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Whether nothing arrives (and the connection stays open) for {@code millis}. */
    public boolean silentFor(int millis) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(old);
        }
    }

    /** Serves the usual start of a session: AuthenticationOk, one ParameterStatus, BackendKeyData, ReadyForQuery. */
    public void acceptLogin(int processId, int secret) throws IOException {
        send(Bytes.hex("52 00000008 00000000"),
                Bytes.written(new ParameterStatus("server_version", "15.0")::encode),
                Bytes.written(new BackendKeyData(processId, secret)::encode),
                Bytes.written(ReadyForQuery.IDLE::encode));
    }

    public void expectEndOfStream() throws IOException {
        try {
            int next = in.read();
            if (next >= 0) {
                throw new AssertionError("expected the connection to close, got byte " + next);
            }
        } catch (EOFException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
