package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.tidepool.backend.BackendConnection;
import io.tidepool.backend.BackendNode;
import io.tidepool.protocol.FrameForwarder;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.backend.Authentication;
import io.tidepool.protocol.backend.BackendKeyData;
import io.tidepool.protocol.backend.ErrorResponse;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.backend.TransactionStatus;
import io.tidepool.protocol.frontend.Terminate;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One session's connection to one node: its login (for every node but the one the client
 * authenticated against), the bytes queued while it logs in, and the per-node queue of
 * responses it owes ({@link #expected}). Event-loop confined, like its session.
 *
 * <pre>
 *   CONNECTING ──connected──▶ LOGIN ──ReadyForQuery──▶ READY ──▶ CLOSED
 *                                 any failure: {@link Owner#onLinkFailed}
 * </pre>
 *
 * <p>Buffer ownership: {@link #pending} is owned here until written or the link closes.
 */
final class NodeLink implements BackendConnection.Listener {

    /** What the session hears from its links. All calls on the event loop. */
    interface Owner {
        void onLinkMessage(NodeLink link, byte type, ByteBuf frames, int start, int length);

        void onLinkBatchEnd(NodeLink link);

        void onLinkReadComplete(NodeLink link);

        void onLinkWritabilityChanged(NodeLink link, boolean writable);

        void onLinkFailed(NodeLink link, PgException error);

        /** The link finished its login and sent what was queued. */
        void onLinkReady(NodeLink link);
    }

    enum State { CONNECTING, LOGIN, READY, CLOSED }

    private final BackendNode node;
    private final Owner owner;
    private final BackendLogin login;
    final ArrayDeque<ExpectedResponse> expected = new ArrayDeque<>();
    private final FrameForwarder out = new FrameForwarder();
    /** This link as the target list of a statement sent to its node alone, the common case: built once. */
    final List<NodeLink> alone = List.of(this);

    private BackendConnection connection;
    private State state;
    private ByteBuf pending;
    private boolean unflushed;
    private boolean sentSinceSync;
    private TransactionStatus status = TransactionStatus.IDLE;
    private BackendKeyData backendKey;
    private boolean closing;
    /** Login needed no credentials (trust); otherwise the connection is pooled only as a password login. */
    private boolean trustLogin = true;
    /** The server's ParameterStatus messages at login, kept for the next owner of a pooled connection; owned. */
    private ByteBuf parameterStatus;
    /** Sessions that used this connection, this one included (child_max_connections). */
    private int uses = 1;
    /** A FATAL the node sent before closing, reported to the client as the cause of the loss. */
    ErrorResponse lastWords;
    /** The login completed once: the node may have run something the session sent it. */
    private boolean everReady;
    /** While {@link Owner#onLinkFailed} runs for a link that never became ready: what it was to send; owned. */
    private ByteBuf unsent;

    private NodeLink(BackendNode node, Owner owner, BackendLogin login, State state) {
        this.node = node;
        this.owner = owner;
        this.login = login;
        this.state = state;
    }

    /** A node the client already logged in to (the startup relay): ready now. */
    static NodeLink loggedIn(BackendConnection connection, Owner owner, BackendKeyData key, TransactionStatus status,
                             boolean trust, ByteBuf parameterStatus) {
        NodeLink link = new NodeLink(connection.node(), owner, null, State.READY);
        link.everReady = true;
        link.connection = connection;
        link.backendKey = key;
        link.status = status;
        link.trustLogin = trust;
        link.parameterStatus = parameterStatus;
        connection.rebind(link);
        return link;
    }

    /** A pooled connection, reset and ready (ownership of {@code pooled} taken). */
    static NodeLink fromPool(io.tidepool.backend.BackendPool.Pooled pooled, Owner owner) {
        NodeLink link = loggedIn(pooled.connection, owner, pooled.key, TransactionStatus.IDLE, !pooled.passwordLogin,
                pooled.parameterStatus);
        link.uses = pooled.uses + 1;
        return link;
    }

    /**
     * Whether the connection can serve another client after a reset: open, idle, with no request
     * outstanding and nothing sent since the last Sync, and logged in by trust or, when {@code
     * passwordLogins}, with the session's pool_passwd secret.
     */
    boolean reusable(boolean passwordLogins) {
        return state == State.READY && (trustLogin || passwordLogins) && expected.isEmpty() && status == TransactionStatus.IDLE
                && !sentSinceSync && lastWords == null && connection.channel().isActive() && parameterStatus != null
                && backendKey != null;
    }

    int uses() {
        return uses;
    }

    /** The node asked for a password at login (see {@link io.tidepool.backend.BackendPool.Key#passwordLogin}). */
    boolean passwordLogin() {
        return !trustLogin;
    }

    /** Hands the connection over to the pool (the link is closed; the caller owns the result). */
    io.tidepool.backend.BackendPool.Pooled toPooled() {
        ByteBuf status = parameterStatus;
        parameterStatus = null;
        BackendKeyData key = backendKey;
        int used = uses;
        BackendConnection c = detach();
        return new io.tidepool.backend.BackendPool.Pooled(c, key, status, used, !trustLogin);
    }

    /** A node being opened for this session; {@link #connected} follows. */
    static NodeLink opening(BackendNode node, Owner owner, BackendLogin login) {
        return new NodeLink(node, owner, login, State.CONNECTING);
    }

    /** The connection is up: sends the client's startup packet (ownership of {@code startupPacket} taken). */
    void connected(BackendConnection c, ByteBuf startupPacket) {
        connection = c;
        if (state == State.CLOSED) {
            startupPacket.release();
            c.channel().close();
            return;
        }
        state = State.LOGIN;
        c.channel().writeAndFlush(startupPacket, c.channel().voidPromise());
    }

    int nodeId() {
        return node.id();
    }

    BackendNode node() {
        return node;
    }

    State state() {
        return state;
    }

    boolean isOpen() {
        return state != State.CLOSED;
    }

    TransactionStatus status() {
        return status;
    }

    BackendKeyData backendKey() {
        return backendKey;
    }

    Channel channel() {
        return connection == null ? null : connection.channel();
    }

    /** Whether extended-query messages went to this node since its last Sync (so it needs a Sync of its own). */
    boolean sentSinceSync() {
        return sentSinceSync;
    }

    // ------------------------------------------------------------------ sending

    /**
     * Keeps {@link #sentSinceSync} by the type of each frontend message sent: Parse, Bind, Describe,
     * Execute and Close leave the node waiting for a Sync, a Sync ends that wait, and the rest
     * change nothing: a simple Query and a function call end in their own ReadyForQuery, COPY
     * data belongs to the statement that started it, and a Flush asks only for what is pending.
     */
    private void noteSent(byte type) {
        switch (type) {
            case MessageType.PARSE, MessageType.BIND, MessageType.DESCRIBE, MessageType.EXECUTE, MessageType.CLOSE ->
                    sentSinceSync = true;
            case MessageType.SYNC -> sentSinceSync = false;
            default -> {
            }
        }
    }

    /** Queues a client frame for this node; Ownership: {@code frames} borrowed (copied only while logging in). */
    void send(ByteBuf frames, int start, int length) {
        noteSent(frames.getByte(start));
        if (state == State.READY) {
            out.addOrWrite(connection.channel(), frames, start, length);
            unflushed = true;
        } else if (state != State.CLOSED) {
            pendingBuffer(length).writeBytes(frames, start, length);
        }
    }

    /** Queues a message the proxy made (takes ownership of {@code message}). */
    void sendOwned(ByteBuf message) {
        noteSent(message.getByte(message.readerIndex()));
        if (state == State.READY) {
            out.writeTo(connection.channel());
            connection.channel().write(message, connection.channel().voidPromise());
            unflushed = true;
        } else if (state != State.CLOSED) {
            pendingBuffer(message.readableBytes()).writeBytes(message);
            message.release();
        } else {
            message.release();
        }
    }

    /**
     * During {@link Owner#onLinkFailed} of a link whose login never completed: the frames the session
     * queued for it, in order, none of which reached the node; empty otherwise. Ownership stays here
     * (released when the call returns).
     */
    java.util.Optional<ByteBuf> unsent() {
        return java.util.Optional.ofNullable(unsent);
    }

    /** End of a client read: writes the collected frames (no flush). */
    void endBatch() {
        if (state == State.READY && out.writeTo(connection.channel())) {
            unflushed = true;
        }
    }

    void flush() {
        if (unflushed && state == State.READY) {
            unflushed = false;
            connection.channel().flush();
        }
    }

    void setAutoRead(boolean read) {
        if (connection != null && connection.channel().isActive()) {
            connection.channel().config().setAutoRead(read);
        }
    }

    private ByteBuf pendingBuffer(int hint) {
        if (pending == null) {
            pending = io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(Math.max(256, hint));
        }
        return pending;
    }

    // ------------------------------------------------------------------ receiving

    @Override
    public void onBackendMessage(BackendConnection from, byte type, ByteBuf frames, int start, int length) {
        if (state == State.READY) {
            if (type == MessageType.READY_FOR_QUERY) {
                status = ReadyForQuery.statusAt(frames, start);
            }
            owner.onLinkMessage(this, type, frames, start, length);
        } else if (state == State.LOGIN) {
            onLoginMessage(type, frames, start, length);
        }
    }

    private void onLoginMessage(byte type, ByteBuf frames, int start, int length) {
        switch (type) {
            case MessageType.AUTHENTICATION -> {
                Authentication request = Authentication.decode(Frames.body(frames, start, length));
                trustLogin &= !request.expectsResponse();
                try {
                    login.answer(request, node.describe(), connection.channel().alloc())
                            .ifPresent(answer -> connection.channel().writeAndFlush(answer, connection.channel().voidPromise()));
                } catch (PgException e) {
                    fail(e);
                }
            }
            case MessageType.BACKEND_KEY_DATA -> backendKey = BackendKeyData.decode(Frames.body(frames, start, length));
            case MessageType.ERROR_RESPONSE -> {
                ErrorResponse error = ErrorResponse.decode(Frames.body(frames, start, length));
                // Not CONNECTION_FAILURE: a refused login says nothing about the node's health.
                fail(new PgException(Severity.ERROR, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "could not log in to " + node.describe() + ": " + error.message(), "SQLSTATE " + error.code(),
                        "check that node's pg_hba.conf and max_connections"));
            }
            case MessageType.READY_FOR_QUERY -> {
                status = ReadyForQuery.statusAt(frames, start);
                state = State.READY;
                everReady = true;
                if (pending != null) {
                    ByteBuf bytes = pending;
                    pending = null;
                    connection.channel().writeAndFlush(bytes, connection.channel().voidPromise());
                }
                owner.onLinkReady(this);
            }
            case MessageType.PARAMETER_STATUS -> {
                if (parameterStatus == null) {
                    parameterStatus = connection.channel().alloc().buffer(512);
                }
                parameterStatus.writeBytes(frames, start, length);
            }
            // NoticeResponse, NegotiateProtocolVersion: the client has the main node's.
            default -> {
            }
        }
    }

    @Override
    public void onBackendBatchEnd(BackendConnection from) {
        if (state == State.READY) {
            owner.onLinkBatchEnd(this);
        }
    }

    @Override
    public void onBackendReadComplete(BackendConnection from) {
        owner.onLinkReadComplete(this);
    }

    @Override
    public void onBackendWritabilityChanged(BackendConnection from, boolean writable) {
        owner.onLinkWritabilityChanged(this, writable);
    }

    @Override
    public void onBackendProtocolFailure(BackendConnection from, PgException error) {
        fail(new PgException(Severity.ERROR, SqlState.PROTOCOL_VIOLATION,
                "the database server " + node.describe() + " broke the protocol: " + error.getMessage(), null,
                "check the server log"));
    }

    @Override
    public void onBackendClosed(BackendConnection from) {
        if (closing || state == State.CLOSED) {
            state = State.CLOSED;
            releasePending();
            return;
        }
        String why = from.failure().map(cause -> ": " + cause.getMessage()).orElse("");
        fail(new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE,
                "lost the connection to " + node.describe() + why, null,
                "the server closed the connection or stopped"));
    }

    /**
     * The node cannot serve this session any more; the owner decides what the client hears. When
     * the login never completed, nothing reached the node: the owner may take {@link #unsent()}
     * and send it elsewhere during the call.
     */
    void fail(PgException error) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (!everReady) {
            unsent = pending;
            pending = null;
        }
        releasePending();
        out.clear();
        try {
            owner.onLinkFailed(this, error);
        } finally {
            if (unsent != null) {
                unsent.release();
                unsent = null;
            }
        }
        if (connection != null) {
            closing = true;
            connection.channel().close();
        }
    }

    /** Ends the link politely: Terminate at a message boundary, then close. */
    void close(boolean sayGoodbye) {
        closing = true;
        State before = state;
        state = State.CLOSED;
        releasePending();
        out.clear();
        if (connection != null && connection.channel().isActive()) {
            Channel channel = connection.channel();
            if (sayGoodbye && before != State.CONNECTING) {
                channel.write(Terminate.frame(), channel.voidPromise());
            }
            channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Takes the connection away (to a pool); the link is closed without touching the channel. */
    BackendConnection detach() {
        state = State.CLOSED;
        closing = true;
        releasePending();
        out.clear();
        BackendConnection c = connection;
        connection = null;
        return c;
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (parameterStatus != null) {
            parameterStatus.release();
            parameterStatus = null;
        }
    }

    @Override
    public String toString() {
        return node.describe() + " " + state;
    }
}
