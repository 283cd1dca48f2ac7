package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tidepool.protocol.MessageType;

/**
 * One response the session waits for: which node owes it, what message ends it, and whether the
 * client sees it. The heart of DESIGN hard part 1: every backend message is dispatched against
 * the oldest {@code ExpectedResponse} of its node, and the client receives responses in the
 * order of its requests (see {@link ResponseQueue}).
 *
 * <p>Buffer ownership: {@link #held} belongs to this entry until the queue writes it to the
 * client or {@link #release()} drops it.
 */
final class ExpectedResponse {

    /** What the request was, hence which backend message completes it. */
    enum Kind {
        PARSE, BIND, CLOSE, DESCRIBE, EXECUTE,
        /** Sync: ends with ReadyForQuery; ends an extended-protocol segment. */
        SYNC,
        /** Simple Query or FunctionCall: ends with ReadyForQuery. */
        QUERY,
        /** The proxy's own answer, complete when queued (admin commands, errors). */
        SYNTHETIC;

        boolean completedBy(byte type) {
            return switch (this) {
                case PARSE -> type == MessageType.PARSE_COMPLETE || type == MessageType.ERROR_RESPONSE;
                case BIND -> type == MessageType.BIND_COMPLETE || type == MessageType.ERROR_RESPONSE;
                case CLOSE -> type == MessageType.CLOSE_COMPLETE || type == MessageType.ERROR_RESPONSE;
                case DESCRIBE -> type == MessageType.ROW_DESCRIPTION || type == MessageType.NO_DATA
                        || type == MessageType.ERROR_RESPONSE;
                case EXECUTE -> type == MessageType.COMMAND_COMPLETE || type == MessageType.EMPTY_QUERY_RESPONSE
                        || type == MessageType.PORTAL_SUSPENDED || type == MessageType.ERROR_RESPONSE;
                case SYNC, QUERY -> type == MessageType.READY_FOR_QUERY;
                case SYNTHETIC -> true;
            };
        }

        /** An error in these makes the node skip everything up to the next Sync. */
        boolean extended() {
            return this != SYNC && this != QUERY && this != SYNTHETIC;
        }

        /** Ends the run of messages that an earlier error makes the node skip. */
        boolean endsSegment() {
            return this == SYNC || this == QUERY;
        }
    }

    /** Which part of the response reaches the client. */
    enum Visibility {
        /** Everything. */
        ALL,
        /** Only an ErrorResponse (a Parse the proxy replays on a node that lacks the statement). */
        ERRORS,
        /** Nothing (the same SET on a second node; the primary's answer is the one the client gets). */
        NONE
    }

    final Kind kind;
    /**
     * The node that owes the response; null for SYNTHETIC. Reassigned only when a node that never
     * finished its login hands its requests to another ({@code MultiNodeSession} rescue).
     */
    NodeLink node;
    final Visibility visibility;
    /** Whether the entry has a place in the client's order (replays made at login have none). */
    final boolean ordered;

    ByteBuf held;
    boolean done;
    /** An ErrorResponse ended it: later requests up to the next Sync produce no output. */
    boolean failed;
    /** The node already sent an ErrorResponse for it (a lost node's answer needs no second one). */
    boolean sawError;

    ExpectedResponse(Kind kind, NodeLink node, Visibility visibility, boolean ordered) {
        this.kind = kind;
        this.node = node;
        this.visibility = visibility;
        this.ordered = ordered;
    }

    /** A complete answer of the proxy's own; takes ownership of {@code bytes}. */
    static ExpectedResponse synthetic(ByteBuf bytes) {
        ExpectedResponse e = new ExpectedResponse(Kind.SYNTHETIC, null, Visibility.ALL, true);
        e.held = bytes;
        e.done = true;
        return e;
    }

    boolean shows(byte type) {
        return visibility == Visibility.ALL || (visibility == Visibility.ERRORS && type == MessageType.ERROR_RESPONSE);
    }

    /** Copies a message to be written when this entry reaches the head. Ownership: {@code frames} borrowed. */
    void hold(ByteBufAllocator alloc, ByteBuf frames, int start, int length) {
        if (held == null) {
            held = alloc.buffer(Math.max(256, length));
        }
        held.writeBytes(frames, start, length);
    }

    /** Adds bytes of the proxy's own (an error in place of a lost answer). Takes ownership of {@code bytes}. */
    void hold(ByteBufAllocator alloc, ByteBuf bytes) {
        if (held == null) {
            held = bytes;
            return;
        }
        held.writeBytes(bytes);
        bytes.release();
    }

    void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public String toString() {
        return kind + (node == null ? "" : "@" + node.nodeId()) + (done ? " done" : "") + (failed ? " failed" : "");
    }
}
