package io.tidepool.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.protocol.backend.CommandComplete;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.frontend.CancelRequest;
import io.tidepool.protocol.frontend.StartupPacket;

import java.io.EOFException;
import java.io.IOException;

/** Behaviours of a well-mannered fake server, for the parts of a test that are not hostile. */
public final class FakeScripts {
    private FakeScripts() {
    }

    /** The backend key every {@link #serve} session hands out. */
    public static final int BACKEND_PID = 4242;
    public static final int BACKEND_SECRET = 777;

    /** Event reported when the proxy sends Terminate. */
    public static final String TERMINATED = "terminated";
    /** Event reported when the proxy closes without Terminate. */
    public static final String END_OF_STREAM = "end of stream";

    /**
     * A server that logs everyone in (trust), answers every Query with {@code SELECT 1}, and
     * reports CancelRequests (as {@link CancelRequest}), Terminate and end of stream.
     */
    public static FakeBackend.Script serve(FakeBackend[] self) {
        return connection -> {
            StartupPacket first = decodeStartup(connection.readStartupPacket());
            if (first instanceof CancelRequest cancel) {
                self[0].report(cancel);
                return;
            }
            try {
                connection.acceptLogin(BACKEND_PID, BACKEND_SECRET);
                answerQueries(connection, self[0]);
            } catch (java.net.SocketException goneWhileWriting) {
                // A real server, too, just ends the session when its client has gone.
                self[0].report(END_OF_STREAM);
            }
        };
    }

    /** Answers each Query with CommandComplete + ReadyForQuery until Terminate or end of stream. */
    public static void answerQueries(PeerSocket connection, FakeBackend backend) throws IOException {
        while (true) {
            PeerSocket.Message message;
            try {
                message = connection.readMessage();
            } catch (EOFException e) {
                backend.report(END_OF_STREAM);
                return;
            }
            switch (message.type()) {
                case 'Q' -> connection.send(Bytes.written(new CommandComplete("SELECT 1")::encode),
                        Bytes.written(ReadyForQuery.IDLE::encode));
                case 'X' -> {
                    backend.report(TERMINATED);
                    return;
                }
                default -> backend.report("message " + message.type());
            }
        }
    }

    public static StartupPacket decodeStartup(byte[] packet) {
        ByteBuf in = Unpooled.wrappedBuffer(packet);
        try {
            return StartupPacket.decode(in);
        } finally {
            in.release();
        }
    }

    /** Starts a fake backend running {@link #serve}. */
    public static FakeBackend servingBackend() throws IOException {
        FakeBackend[] self = new FakeBackend[1];
        self[0] = new FakeBackend(serve(self));
        return self[0];
    }
}
