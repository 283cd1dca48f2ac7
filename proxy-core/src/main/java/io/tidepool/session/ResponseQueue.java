package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.tidepool.protocol.FrameForwarder;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.backend.ErrorResponse;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.backend.TransactionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Puts the answers of several backends back into the order of the client's requests (DESIGN
 * hard part 1).
 *
 * <p>Two queues hold the same {@link ExpectedResponse}s: each {@link NodeLink#expected} in the
 * order that node received the requests (a PostgreSQL server answers strictly in order, so a
 * backend message always belongs to the first entry of its node), and {@link #order} in the
 * order the client sent them. A message for the entry at the head of {@link #order} is
 * forwarded at once, in place (the hot path: one node, nothing held); a message for a later
 * entry is copied into it and written when the entry reaches the head.
 *
 * <p>Errors: when an extended-protocol request fails, its node skips everything up to its Sync
 * and sends nothing for it ({@link #onError}); other nodes have executed their part of the
 * pipeline already, so the queue drops their output up to the Sync too: the client sees what
 * one server would have shown, the error and then ReadyForQuery.
 *
 * <p>Event-loop confined. Buffer ownership: held bytes belong to their entries; messages passed
 * to {@link #onBackendMessage} are borrowed.
 */
final class ResponseQueue {
    private static final Logger log = LoggerFactory.getLogger(ResponseQueue.class);

    private final Channel client;
    private final FrameForwarder toClient = new FrameForwarder();
    private final ArrayDeque<ExpectedResponse> order = new ArrayDeque<>();
    /** An earlier request of the current segment failed: drop output until the segment's end. */
    private boolean skipping;
    private boolean wrote;

    ResponseQueue(Channel client) {
        this.client = client;
    }

    /** Adds an entry the node {@code e.node} owes (also to the client's order when {@code e.ordered}). */
    void expect(ExpectedResponse e) {
        if (e.node != null) {
            e.node.expected.addLast(e);
        }
        if (e.ordered) {
            order.addLast(e);
        }
    }

    /** Adds a complete answer of the proxy's own; written in its turn (takes ownership of {@code bytes}). */
    void answer(ByteBuf bytes) {
        order.addLast(ExpectedResponse.synthetic(bytes));
        advance();
    }

    boolean idle() {
        return order.isEmpty();
    }

    /**
     * One message from {@code link}. Returns the entry it completed, or null. Ownership:
     * {@code frames} borrowed.
     */
    ExpectedResponse onBackendMessage(NodeLink link, byte type, ByteBuf frames, int start, int length,
                                      boolean fromPrimary) {
        ExpectedResponse e = link.expected.peekFirst();
        if (e == null) {
            unsolicited(type, frames, start, length, fromPrimary, link);
            return null;
        }
        if (e.shows(type) && !(skipping && order.peekFirst() == e && !e.kind.endsSegment())) {
            if (order.peekFirst() == e && e.held == null) {
                toClient.addOrWrite(client, frames, start, length);
            } else if (e.ordered) {
                e.hold(client.alloc(), frames, start, length);
            }
        } else if (type == MessageType.ERROR_RESPONSE && e.visibility == ExpectedResponse.Visibility.NONE) {
            ErrorResponse error = ErrorResponse.decode(io.tidepool.protocol.Frames.body(frames, start, length));
            log.warn("{} rejected a statement the proxy sent it on the session's behalf: {} {}",
                    link.node().describe(), error.code(), error.message());
        }
        if (type == MessageType.ERROR_RESPONSE) {
            e.sawError = true;
        }
        if (!e.kind.completedBy(type)) {
            return null;
        }
        link.expected.removeFirst();
        e.done = true;
        if (type == MessageType.ERROR_RESPONSE && e.kind.extended()) {
            onError(link, e);
        }
        advance();
        return e;
    }

    /** NoticeResponse, NotificationResponse or ParameterStatus outside any request: the primary's reach the client. */
    private void unsolicited(byte type, ByteBuf frames, int start, int length, boolean fromPrimary, NodeLink link) {
        if (!fromPrimary) {
            return;
        }
        if (order.isEmpty()) {
            toClient.addOrWrite(client, frames, start, length);
        } else {
            ByteBuf copy = client.alloc().buffer(length);
            copy.writeBytes(frames, start, length);
            order.addLast(ExpectedResponse.synthetic(copy));
        }
    }

    /** The node skips its requests up to its next Sync: they are complete, with no answer. */
    private void onError(NodeLink link, ExpectedResponse failed) {
        failed.failed = true;
        while (!link.expected.isEmpty() && link.expected.peekFirst().kind.extended()) {
            link.expected.removeFirst().done = true;
        }
    }

    /**
     * The node is gone: every answer it owed is replaced by what the client must see instead.
     * The first request of each segment gets {@code error}; a Sync or Query it owed the client
     * gets a ReadyForQuery with {@code status}, so the client is never left waiting.
     */
    void nodeLost(NodeLink link, PgException error, TransactionStatus status) {
        boolean errorSent = false;
        while (!link.expected.isEmpty()) {
            ExpectedResponse e = link.expected.removeFirst();
            e.done = true;
            if (!e.ordered || e.visibility == ExpectedResponse.Visibility.NONE) {
                continue;
            }
            if (!errorSent && !skipping && !e.sawError) {
                e.hold(client.alloc(), ErrorResponse.of(error).encode(client.alloc()));
                errorSent = true;
                e.failed = e.kind.extended();
            }
            if (e.kind.endsSegment()) {
                ByteBuf z = client.alloc().buffer(ReadyForQuery.FRAME_LENGTH);
                ReadyForQuery.of(status).encode(z);
                e.hold(client.alloc(), z);
                errorSent = false;
            }
        }
        advance();
    }

    /** Writes every entry at the head that is complete, and the held part of the first that is not. */
    void advance() {
        ExpectedResponse head;
        while ((head = order.peekFirst()) != null) {
            if (head.held != null) {
                if (skipping && !head.kind.endsSegment() && head.kind != ExpectedResponse.Kind.SYNTHETIC) {
                    head.release();
                } else {
                    toClient.writeTo(client);
                    client.write(head.held, client.voidPromise());
                    head.held = null;
                    wrote = true;
                }
            }
            if (!head.done) {
                return;
            }
            order.removeFirst();
            if (head.failed) {
                skipping = true;
            }
            if (head.kind.endsSegment()) {
                skipping = false;
            }
        }
    }

    /** End of one backend read: writes the frames collected in place. */
    void endBatch() {
        if (toClient.writeTo(client)) {
            wrote = true;
        }
    }

    /** Flushes the client if anything was written. */
    void flush() {
        endBatch();
        if (wrote) {
            wrote = false;
            client.flush();
        }
    }

    /** Drops everything held (the session ends). */
    void clear() {
        toClient.clear();
        for (ExpectedResponse e : order) {
            e.release();
        }
        order.clear();
    }
}
