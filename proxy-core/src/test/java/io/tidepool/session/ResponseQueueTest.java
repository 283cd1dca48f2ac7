package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.backend.BackendNode;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.backend.CommandComplete;
import io.tidepool.protocol.backend.ErrorResponse;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.backend.TransactionStatus;
import io.tidepool.session.ExpectedResponse.Kind;
import io.tidepool.session.ExpectedResponse.Visibility;
import io.tidepool.testing.LeakDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN hard part 1 without sockets: two nodes answer a pipeline in the "wrong" order and the
 * client still receives the answers in request order, with exactly one ReadyForQuery.
 */
@ExtendWith(LeakDetection.class)
class ResponseQueueTest {

    private final EmbeddedChannel client = new EmbeddedChannel();
    private final ResponseQueue queue = new ResponseQueue(client);
    private final NodeLink primary = link(0);
    private final NodeLink standby = link(1);

    @AfterEach
    void close() {
        queue.clear();
        client.finishAndReleaseAll();
    }

    private static NodeLink link(int id) {
        return NodeLink.opening(new BackendNode(id, "127.0.0.1", 5432 + id), new NoOwner(), BackendLogin.relayed(Optional.empty()));
    }

    private void expect(Kind kind, NodeLink link, Visibility visibility) {
        queue.expect(new ExpectedResponse(kind, link, visibility, true));
    }

    private void answer(NodeLink link, ByteBuf message) {
        try {
            queue.onBackendMessage(link, message.getByte(0), message, 0, message.readableBytes(), link == primary);
            // End of the "read": collected frames are written while the buffer is still the caller's.
            queue.endBatch();
        } finally {
            message.release();
        }
    }

    private static ByteBuf empty(byte type) {
        ByteBuf b = Unpooled.buffer();
        Frames.writeEmpty(b, type);
        return b;
    }

    private static ByteBuf complete(String tag) {
        ByteBuf b = Unpooled.buffer();
        new CommandComplete(tag).encode(b);
        return b;
    }

    private static ByteBuf ready(TransactionStatus status) {
        ByteBuf b = Unpooled.buffer();
        ReadyForQuery.of(status).encode(b);
        return b;
    }

    private static ByteBuf error(String message) {
        return ErrorResponse.of(new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE, message, null, null))
                .encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
    }

    /** The message types the client received, in order. */
    private List<Character> received() {
        queue.flush();
        List<Character> types = new ArrayList<>();
        ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = client.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        while (all.isReadable()) {
            byte type = all.readByte();
            int length = all.readInt();
            all.skipBytes(length - 4);
            types.add((char) type);
        }
        all.release();
        return types;
    }

    @Test
    void answersOfTwoNodesReachTheClientInRequestOrderWithOneReadyForQuery() {
        // Parse/Bind/Execute of a read (standby), then of a write (primary), then Sync.
        expect(Kind.PARSE, standby, Visibility.ALL);
        expect(Kind.BIND, standby, Visibility.ALL);
        expect(Kind.EXECUTE, standby, Visibility.ALL);
        expect(Kind.PARSE, primary, Visibility.ALL);
        expect(Kind.BIND, primary, Visibility.ALL);
        expect(Kind.EXECUTE, primary, Visibility.ALL);
        expect(Kind.SYNC, standby, Visibility.NONE);
        expect(Kind.SYNC, primary, Visibility.ALL);

        // The primary answers first, entirely.
        answer(primary, empty(MessageType.PARSE_COMPLETE));
        answer(primary, empty(MessageType.BIND_COMPLETE));
        answer(primary, complete("INSERT 0 1"));
        answer(primary, ready(TransactionStatus.IDLE));
        assertThat(received()).as("nothing before the standby's first answer").isEmpty();

        answer(standby, empty(MessageType.PARSE_COMPLETE));
        answer(standby, empty(MessageType.BIND_COMPLETE));
        answer(standby, empty(MessageType.DATA_ROW));
        answer(standby, complete("SELECT 1"));
        answer(standby, ready(TransactionStatus.IDLE));

        assertThat(received()).containsExactly('1', '2', 'D', 'C', '1', '2', 'C', 'Z');
        assertThat(queue.idle()).isTrue();
    }

    @Test
    void anErrorOnOneNodeSilencesTheRestOfThePipelineUpToSync() {
        expect(Kind.PARSE, primary, Visibility.ALL);
        expect(Kind.BIND, primary, Visibility.ALL);
        expect(Kind.EXECUTE, primary, Visibility.ALL);
        expect(Kind.PARSE, standby, Visibility.ALL);
        expect(Kind.BIND, standby, Visibility.ALL);
        expect(Kind.EXECUTE, standby, Visibility.ALL);
        expect(Kind.SYNC, standby, Visibility.NONE);
        expect(Kind.SYNC, primary, Visibility.ALL);

        answer(standby, empty(MessageType.PARSE_COMPLETE));
        answer(standby, empty(MessageType.BIND_COMPLETE));
        answer(standby, complete("SELECT 0"));
        answer(standby, ready(TransactionStatus.IDLE));
        answer(primary, empty(MessageType.PARSE_COMPLETE));
        answer(primary, error("bind failed"));
        // The primary skips its Execute and answers only the Sync.
        answer(primary, ready(TransactionStatus.IDLE));

        assertThat(received()).as("as one server would answer: the error, then ReadyForQuery").containsExactly('1', 'E', 'Z');
    }

    @Test
    void aLostNodeLeavesAnErrorAndAReadyForQueryInPlaceOfItsAnswers() {
        expect(Kind.QUERY, standby, Visibility.ALL);
        answer(standby, empty(MessageType.ROW_DESCRIPTION));
        answer(standby, empty(MessageType.DATA_ROW));
        queue.nodeLost(standby, new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE, "gone", null, null),
                TransactionStatus.IDLE);
        assertThat(received()).containsExactly('T', 'D', 'E', 'Z');
    }

    @Test
    void aStatementRepeatedOnASecondNodeIsAnsweredOnce() {
        expect(Kind.QUERY, standby, Visibility.NONE);
        expect(Kind.QUERY, primary, Visibility.ALL);
        answer(primary, complete("SET"));
        answer(primary, ready(TransactionStatus.IDLE));
        answer(standby, complete("SET"));
        answer(standby, ready(TransactionStatus.IDLE));
        assertThat(received()).containsExactly('C', 'Z');
    }

    @Test
    void theProxysOwnAnswerWaitsForEarlierRequests() {
        expect(Kind.QUERY, primary, Visibility.ALL);
        queue.answer(complete("SELECT 0"));
        assertThat(received()).isEmpty();
        answer(primary, complete("UPDATE 1"));
        answer(primary, ready(TransactionStatus.IDLE));
        assertThat(received()).containsExactly('C', 'Z', 'C');
    }

    private static final class NoOwner implements NodeLink.Owner {
        @Override
        public void onLinkMessage(NodeLink link, byte type, ByteBuf frames, int start, int length) {
        }

        @Override
        public void onLinkBatchEnd(NodeLink link) {
        }

        @Override
        public void onLinkReadComplete(NodeLink link) {
        }

        @Override
        public void onLinkWritabilityChanged(NodeLink link, boolean writable) {
        }

        @Override
        public void onLinkFailed(NodeLink link, PgException error) {
        }

        @Override
        public void onLinkReady(NodeLink link) {
        }
    }
}
