package io.tidepool.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.tidepool.auth.AuthStep;
import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.BackendAuthenticator;
import io.tidepool.auth.tls.BackendSslNegotiator;
import io.tidepool.auth.tls.BackendTls;
import io.tidepool.auth.tls.ServerTls;
import io.tidepool.backend.BackendConnection;
import io.tidepool.backend.BackendNode;
import io.tidepool.backend.CancelRegistry;
import io.tidepool.cluster.BackendFailure;
import io.tidepool.protocol.FrameDecoder;
import io.tidepool.protocol.FrameForwarder;
import io.tidepool.protocol.FrameInboundHandler;
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
import io.tidepool.protocol.frontend.CancelRequest;
import io.tidepool.protocol.frontend.GssEncRequest;
import io.tidepool.protocol.frontend.Parse;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.protocol.frontend.SslRequest;
import io.tidepool.protocol.frontend.StartupMessage;
import io.tidepool.protocol.frontend.StartupPacket;
import io.tidepool.protocol.frontend.Terminate;
import io.tidepool.session.MultiNodeSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One client connection, from its first byte to its close: the session state machine.
 *
 * <pre>
 *   STARTUP ──StartupMessage──▶ CONNECTING ──backend up──▶ AUTHENTICATING ──ReadyForQuery──▶ READY
 *      │ SSLRequest / GSSENCRequest: answer 'N', stay                    │
 *      │ CancelRequest: forward to the owning session's backend, close   │ any failure: ErrorResponse
 *      ▼                                                                 ▼ (SQLSTATE), then CLOSED
 * </pre>
 *
 * <p><b>Raw mode</b> (this class today): one backend, the first node that accepts. The
 * startup packet goes to it unchanged and the authentication exchange is relayed (trust,
 * password, md5, SCRAM: the proxy needs no crypto for that), but explicitly: the client may
 * only send a 'p' message when the server's last Authentication request asked for one, and
 * the number of rounds is bounded. The backend's BackendKeyData is replaced by the proxy's
 * own key ({@link CancelRegistry}).
 *
 * <p><b>Forwarding.</b> Frames are never decoded on the way through, except the few a decision
 * needs (ReadyForQuery's status byte, an ErrorResponse's severity, a Query when
 * {@code log_statement} is on). Whole frames of one read go out as one retained slice
 * ({@link FrameForwarder}), written once per read and flushed once per read batch. Only whole
 * frames are forwarded, so either side always stands at a message boundary: that is what
 * lets the proxy append its own ErrorResponse when the other side vanishes.
 *
 * <p><b>Back-pressure.</b> When one side stops draining (its channel turns unwritable), the
 * other side stops reading (auto-read off) until it drains: a slow client receiving 100 000
 * rows holds at most a few socket buffers in the proxy.
 *
 * <p><b>Threading.</b> The backend channel is registered on the client's event loop; every
 * method here runs on that thread, except {@link #cancelTargets()} and
 * {@link #terminate(PgException)}, which are safe from anywhere.
 *
 * <p><b>Pooling and routing</b> (issue 3) extend this machine in two places: connecting
 * (a pool lookup per node instead of a fresh connection) and READY (a queue of expected
 * responses per backend, DESIGN hard part 1, instead of the single pass-through stream).
 */
public final class ClientSession extends FrameInboundHandler
        implements BackendConnection.Listener, CancelRegistry.Cancellable, MultiNodeSession.Host,
        SessionAdmission.Waiter {

    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    /** Bound on the authentication round trips a server may ask for (SCRAM needs 3). */
    static final int MAX_AUTHENTICATION_ROUNDS = 16;
    /** Bound on SSLRequest / GSSENCRequest answers before a StartupMessage. */
    static final int MAX_NEGOTIATION_PACKETS = 4;

    private enum Phase { STARTUP, CLIENT_AUTH, CONNECTING, AUTHENTICATING, READY, CLOSED }

    private final SessionServices services;
    private final FrameForwarder toBackend = new FrameForwarder();
    private final FrameForwarder toClient = new FrameForwarder();

    private ChannelHandlerContext clientContext;
    private Channel client;
    private Phase phase = Phase.STARTUP;
    private long startedNanos;

    private StartupMessage startup;
    /** The client's StartupMessage bytes until they are sent to the backend; owned by this session. */
    private ByteBuf startupPacket;
    private int negotiationPackets;
    private ScheduledFuture<?> authenticationTimer;
    private boolean authenticationResponseExpected;
    private int authenticationRounds;

    private BackendConnection backend;
    /** Auth integration: set when the proxy authenticates the client itself; null when it relays. */
    private ProxyAuthentication proxyAuth;
    private BackendKeyData proxyKey;
    private volatile List<CancelRegistry.CancelTarget> cancelTargets = List.of();
    /** Volatile: pcp_proc_info and SHOW pool_processes read it from other threads (raw mode). */
    private volatile TransactionStatus transactionStatus = TransactionStatus.IDLE;
    /** Raw mode, once logged in: what pcp_proc_info reports besides the status; null before. */
    private volatile RawSession rawSession;
    private boolean backendSentFatal;
    private boolean clientTerminated;
    private boolean wroteToBackend;
    private boolean wroteToClient;

    /** Streaming mode, once authenticated: the per-statement router over several nodes. */
    private MultiNodeSession multi;
    /** Streaming mode: a copy of the StartupMessage for logging in to further nodes; owned until handed over. */
    private ByteBuf startupCopy;
    private BackendKeyData backendKey;
    private boolean cleartextRequested;
    /** Streaming mode: no authentication request needed an answer (trust), so the connection may be pooled. */
    private boolean trustLogin = true;
    /** Streaming mode: the main node's ParameterStatus messages, for a pooled connection's next owner; owned. */
    private ByteBuf parameterStatus;
    private String cleartextPassword;
    private enum Admission { NONE, QUEUED, ADMITTED }
    private Admission admission = Admission.NONE;
    /** client_idle_limit: last time either side of the session moved, and the check that runs every limit. */
    private long lastActivityNanos;
    /** Raw mode: requests (Query, Sync, FunctionCall) whose ReadyForQuery has not come back. */
    private int awaitingReady;
    /** Raw mode: {@code awaitingReady > 0}, for SHOW pool_processes and pcp_proc_info on other threads. */
    private volatile boolean executing;
    private ScheduledFuture<?> idleCheck;

    public ClientSession(SessionServices services) {
        super(new FrameDecoder(FrameDecoder.Framing.STARTUP, services.settings().limits().startupPacket()));
        this.services = services;
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        clientContext = ctx;
        client = ctx.channel();
        startedNanos = System.nanoTime();
        services.sessionStarted(this);
        if (services.refusing()) {
            // Accepted in the instant the listeners were closing for a fast or immediate stop.
            services.refusal().ifPresentOrElse(this::fail, ctx::close);
            return;
        }
        SessionSettings settings = services.settings();
        if (settings.logConnections()) {
            log.info("connection received: {}", describePeer(client.remoteAddress()));
        }
        Duration timeout = settings.authenticationTimeout();
        if (!timeout.isZero()) {
            authenticationTimer = client.eventLoop().schedule(this::onAuthenticationTimeout, timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        super.channelActive(ctx);
    }

    @Override
    protected void onFrame(ChannelHandlerContext ctx, byte type, ByteBuf frames, int start, int length) {
        switch (phase) {
            case READY -> onClientMessage(type, frames, start, length);
            case STARTUP -> onStartupPacket(ctx, frames, start, length);
            case AUTHENTICATING -> onClientAuthenticationMessage(type, frames, start, length);
            case CLIENT_AUTH -> onClientAuthResponse(type, frames, start, length);
            case CLOSED -> {
                // The session is ending (its error is on the way); late frames are dropped.
            }
            default -> throw new IllegalStateException("client frame in phase " + phase);
        }
    }

    /** The hot path: a client message in an authenticated session goes to the backend untouched. */
    private void onClientMessage(byte type, ByteBuf frames, int start, int length) {
        if (!MessageType.isFrontend(type)) {
            throw PgException.protocolViolation("invalid frontend message type " + MessageType.describe(type)
                    + "; the client does not speak the PostgreSQL v3 protocol");
        }
        SessionSettings settings = services.settings();
        // PGPOOL SET may change these two for the session (spec 2.3)
        boolean logClientMessages = multi != null ? multi.logClientMessages(settings.logClientMessages())
                : settings.logClientMessages();
        boolean logStatement = multi != null ? multi.logStatement(settings.logStatement()) : settings.logStatement();
        if (logClientMessages) {
            log.info("client message {} of {} bytes", MessageType.describe(type), length);
        }
        if (logStatement) {
            logStatement(type, frames, start, length);
        }
        if (type == MessageType.TERMINATE) {
            clientTerminated = true;
        }
        if (multi != null) {
            multi.onClientMessage(type, frames, start, length);
            return;
        }
        if (type == MessageType.QUERY || type == MessageType.SYNC || type == MessageType.FUNCTION_CALL) {
            if (awaitingReady++ == 0) {
                executing = true;
            }
        }
        toBackend.add(frames, start, length);
    }

    private void logStatement(byte type, ByteBuf frames, int start, int length) {
        if (type == MessageType.QUERY) {
            log.info("statement: {}", Query.decode(Frames.body(frames, start, length)).sql());
        } else if (type == MessageType.PARSE) {
            Parse parse = Parse.decode(Frames.body(frames, start, length));
            log.info("parse {}: {}", parse.statement().isEmpty() ? "<unnamed>" : parse.statement(), parse.sql());
        }
    }

    private void onStartupPacket(ChannelHandlerContext ctx, ByteBuf frames, int start, int length) {
        StartupPacket packet = StartupPacket.decode(frames.slice(start, length));
        if (packet instanceof SslRequest && startTls(ctx, frames, start, length)) {
            return;
        }
        if (packet instanceof SslRequest || packet instanceof GssEncRequest) {
            // No TLS or GSSAPI encryption yet: 'N' tells the client to go on in plain text.
            if (++negotiationPackets > MAX_NEGOTIATION_PACKETS) {
                throw PgException.protocolViolation("too many SSL/GSSENC negotiation requests ("
                        + negotiationPackets + "); send a StartupMessage");
            }
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'));
        } else if (packet instanceof CancelRequest cancel) {
            onCancelRequest(cancel);
        } else if (packet instanceof StartupMessage message) {
            startup = message;
            startupPacket = frames.retainedSlice(start, length);
            if (services.streaming().isPresent()) {
                startupCopy = client.alloc().buffer(length).writeBytes(frames, start, length);
            }
            decoder.reset(FrameDecoder.Framing.TYPED, services.settings().limits().beforeAuthentication());
            Optional<AuthenticationServices> auth = services.authentication();
            boolean rawMode = services.streaming().isEmpty();
            if (auth.isPresent() && auth.get().proxyAuthenticates(services.settings().backends().size(), rawMode)) {
                proxyAuth = ProxyAuthentication.forClient(auth.get(), client, startup);
                if (!proxyAuth.mirrorsBackend()) {
                    startProxyAuthentication();
                    return;
                }
                // pool_hba off, several backends: the main backend's first request picks the
                // client's method (ProxyAuthentication), so connect it first, as the user pool_passwd names.
                useBackendStartup(proxyAuth.backendStartup(startup));
            }
            phase = Phase.CONNECTING;
            pause();
            client.config().setAutoRead(false);
            admit();
        }
    }

    /**
     * num_init_children: served now, queued until a session ends, or refused with 53300 (after
     * the SSLRequest was answered, so the client shows this message).
     */
    private void admit() {
        switch (services.admission().admit(this)) {
            case ADMITTED -> {
                admission = Admission.ADMITTED;
                connectBackend();
            }
            case QUEUED -> {
                admission = Admission.QUEUED;
                // Time spent waiting for a slot is not authentication time.
                if (authenticationTimer != null) {
                    authenticationTimer.cancel(false);
                    authenticationTimer = null;
                }
                log.debug("client {} waits for a free session slot", describePeer(client.remoteAddress()));
            }
            case REFUSED -> fail(new PgException(Severity.FATAL, SqlState.TOO_MANY_CONNECTIONS,
                    "sorry, too many clients already", null,
                    "raise num_init_children, or retry when fewer clients are connected"));
        }
    }

    /** A slot became free for this queued client; called from any thread. */
    @Override
    public void admitted() {
        client.eventLoop().execute(() -> {
            if (phase != Phase.CONNECTING || admission != Admission.QUEUED) {
                // The client left meanwhile: pass the slot on.
                services.admission().release();
                return;
            }
            admission = Admission.ADMITTED;
            Duration timeout = services.settings().authenticationTimeout();
            if (!timeout.isZero()) {
                authenticationTimer = client.eventLoop().schedule(this::onAuthenticationTimeout, timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            connectBackend();
        });
    }

    private void onCancelRequest(CancelRequest request) {
        phase = Phase.CLOSED;
        pause();
        services.cancelRegistry().find(request.processId(), request.secret()).ifPresentOrElse(session -> {
            for (CancelRegistry.CancelTarget target : session.cancelTargets()) {
                services.cancelForwarder().forward(client.eventLoop(), client.alloc(), target,
                        services.settings().connectTimeout());
            }
        }, () -> log.debug("cancel request with an unknown key from {} ignored", describePeer(client.remoteAddress())));
        // The protocol answers a CancelRequest with nothing but the close.
        client.close();
    }

    private void connectBackend() {
        SessionSettings settings = services.settings();
        Future<BackendConnection> connecting;
        if (services.streaming().isPresent() && startFromPool()) {
            return;
        }
        if (services.streaming().isPresent()) {
            // Streaming mode: the client authenticates against the primary (the main node).
            io.tidepool.session.ClusterViewSource cluster = services.streaming().get().cluster();
            int primary = cluster.current().primaryId();
            java.util.Optional<io.tidepool.backend.BackendNode> node = cluster.node(primary);
            if (node.isEmpty()) {
                fail(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE, "no primary node is available",
                        null, "retry after failover completes or run 'pcp_promote_node'"));
                return;
            }
            connecting = services.connector().connectTo(client.eventLoop(), client.alloc(), node.get(),
                    settings.connectTimeout(), settings.limits(), this);
        } else {
            connecting = services.connector().connectFirstAvailable(client.eventLoop(),
                    client.alloc(), services.candidateBackends(), settings.connectTimeout(), settings.limits(), this);
        }
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                fail(PgException.from(done.cause()));
                return;
            }
            BackendConnection connected = connecting.getNow();
            if (phase != Phase.CONNECTING) {
                // The client left while we were connecting.
                connected.channel().close();
                return;
            }
            backend = connected;
            Optional<BackendTls> backendTls = services.authentication().flatMap(AuthenticationServices::backendTls);
            if (backendTls.isPresent()) {
                negotiateBackendTls(backendTls.get());
            } else {
                sendStartupToBackend();
            }
        });
    }

    private void sendStartupToBackend() {
        phase = Phase.AUTHENTICATING;
        ByteBuf packet = startupPacket;
        startupPacket = null;
        backend.channel().writeAndFlush(packet, backend.channel().voidPromise());
        client.config().setAutoRead(true);
        resume(clientContext);
    }

    /** Auth integration: {@code ssl = on} asks the backend for TLS first, as pgpool-II does. */
    private void negotiateBackendTls(BackendTls tls) {
        Promise<Boolean> ready = client.eventLoop().newPromise();
        backend.channel().pipeline().addFirst("backend-ssl-request",
                new BackendSslNegotiator(tls, backend.node().host(), backend.node().port(), ready));
        ready.addListener(done -> {
            if (phase != Phase.CONNECTING) {
                return;
            }
            if (!done.isSuccess()) {
                fail(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE, "TLS to the database server "
                        + backend.node().describe() + " failed: " + done.cause().getMessage(), null,
                        "check ssl_ca_cert against the server's certificate, or the server's ssl settings"));
                return;
            }
            sendStartupToBackend();
        });
    }

    private void onClientAuthenticationMessage(byte type, ByteBuf frames, int start, int length) {
        if (proxyAuth != null && type != MessageType.TERMINATE) {
            throw PgException.protocolViolation("unexpected message " + MessageType.describe(type)
                    + " while the proxy logs in to the server; wait for AuthenticationOk");
        }
        if (type == MessageType.PASSWORD && authenticationResponseExpected) {
            authenticationResponseExpected = false;
            if (cleartextRequested && startupCopy != null) {
                // Kept to log in to standbys that ask for the same password (BackendLogin.relayed).
                cleartextPassword = io.tidepool.protocol.frontend.PasswordMessage.decode(
                        Frames.body(frames, start, length)).password();
            }
            toBackend.add(frames, start, length);
        } else if (type == MessageType.TERMINATE) {
            clientTerminated = true;
            toBackend.add(frames, start, length);
        } else {
            throw PgException.protocolViolation("unexpected message " + MessageType.describe(type)
                    + " during authentication; answer the server's authentication request first");
        }
    }

    @Override
    protected void onFramesEnd(ChannelHandlerContext ctx) {
        if (multi != null) {
            multi.endClientBatch();
            return;
        }
        if (backend != null && toBackend.writeTo(backend.channel())) {
            wroteToBackend = true;
        }
    }

    @Override
    protected void onReadComplete(ChannelHandlerContext ctx) {
        lastActivityNanos = System.nanoTime();
        if (multi != null) {
            multi.flushAll();
            return;
        }
        if (wroteToBackend) {
            wroteToBackend = false;
            backend.channel().flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (multi != null) {
            multi.clientWritabilityChanged(ctx.channel().isWritable());
            return;
        }
        if (backend != null && backend.channel().isActive()) {
            backend.channel().config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    protected void onFailure(ChannelHandlerContext ctx, PgException error) {
        fail(error);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("client connection {} failed: {}", describePeer(ctx.channel().remoteAddress()), cause.toString());
            ctx.close();
        } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
            // A refused client certificate, an unknown CA, no shared cipher: the client's own
            // refusal, not a bug. The TLS alert already told the client; nothing more can reach it.
            log.info("TLS handshake with client {} failed: {}", describePeer(ctx.channel().remoteAddress()),
                    tls.getMessage());
            ctx.close();
        } else {
            log.warn("client session {} failed", describePeer(ctx.channel().remoteAddress()), cause);
            fail(PgException.from(cause));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        boolean cutMidMessage = hasPartialFrame();
        super.channelInactive(ctx);
        Phase before = phase;
        phase = Phase.CLOSED;
        if (cutMidMessage && before != Phase.CLOSED) {
            log.debug("client {} vanished in the middle of a message", describePeer(ctx.channel().remoteAddress()));
        }
        end();
    }

    private void onAuthenticationTimeout() {
        if (phase == Phase.STARTUP || phase == Phase.CLIENT_AUTH || phase == Phase.CONNECTING
                || phase == Phase.AUTHENTICATING) {
            fail(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE,
                    "authentication did not complete within authentication_timeout ("
                            + services.settings().authenticationTimeout().toSeconds() + " s)",
                    null, "answer the server's authentication request, or raise authentication_timeout"));
        }
    }

    // ---------------------------------------------------------------- auth integration (io.tidepool.auth)

    /**
     * SSLRequest with {@code ssl = on}: answer 'S' and put TLS in front of this handler. Bytes
     * that arrived after the SSLRequest, before the handshake, were not protected by it and are
     * refused (the buffered-data injection PostgreSQL fixed as CVE-2021-23214). Returns false
     * when TLS is off, so the caller answers 'N'.
     */
    private boolean startTls(ChannelHandlerContext ctx, ByteBuf frames, int start, int length) {
        Optional<ServerTls> tls = services.authentication().flatMap(AuthenticationServices::serverTls);
        if (tls.isEmpty()) {
            return false;
        }
        if (client.pipeline().get(SslHandler.class) != null) {
            throw PgException.protocolViolation("SSLRequest inside an encrypted connection");
        }
        if (start + length != frames.writerIndex()) {
            throw PgException.protocolViolation("received unencrypted data after the SSL request; "
                    + "wait for the server's answer before sending more");
        }
        if (++negotiationPackets > MAX_NEGOTIATION_PACKETS) {
            throw PgException.protocolViolation("too many SSL/GSSENC negotiation requests");
        }
        // The 'S' reaches the socket before the TLS handler is in place: write, then add.
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('S'));
        ctx.pipeline().addFirst("tls", tls.get().newHandler(ctx.alloc()));
        return true;
    }

    /** pool_hba.conf, then the client's exchange; the backend is connected only once the client is in. */
    private void startProxyAuthentication() {
        phase = Phase.CLIENT_AUTH;
        pause();
        client.config().setAutoRead(false);
        proxyAuth.start().whenComplete((step, failure) -> client.eventLoop().execute(() -> {
            if (phase != Phase.CLIENT_AUTH) {
                return;
            }
            if (failure != null) {
                fail(PgException.from(failure));
                return;
            }
            onClientAuthStep(step);
            if (phase == Phase.CLIENT_AUTH) {
                client.config().setAutoRead(true);
                resume(clientContext);
            }
        }));
    }

    private void onClientAuthResponse(byte type, ByteBuf frames, int start, int length) {
        if (type == MessageType.PASSWORD) {
            onClientAuthStep(proxyAuth.onClientResponse(Frames.body(frames, start, length)));
        } else if (type == MessageType.TERMINATE) {
            clientTerminated = true;
            phase = Phase.CLOSED;
            client.close();
        } else {
            throw PgException.protocolViolation("unexpected message " + MessageType.describe(type)
                    + " during authentication; answer the server's authentication request first");
        }
    }

    private void onClientAuthStep(AuthStep step) {
        if (step instanceof AuthStep.Challenge challenge) {
            client.writeAndFlush(Unpooled.wrappedBuffer(challenge.frame()), client.voidPromise());
        } else if (step instanceof AuthStep.Refused refused) {
            fail(ProxyAuthentication.toPgException(refused.failure(), proxyAuth.client()));
        } else {
            proxyAuth.admitted((AuthStep.Accepted) step);
            if (backend != null) {
                // pool_hba off: the main backend has waited for its answer since it asked.
                phase = Phase.AUTHENTICATING;
                onBackendAuthenticationStep(proxyAuth.resumeBackend(backend.node().describe()));
                return;
            }
            useBackendStartup(proxyAuth.backendStartup(startup));
            phase = Phase.CONNECTING;
            pause();
            client.config().setAutoRead(false);
            admit();
        }
    }

    /** The StartupMessage the backends get when pool_passwd maps the client to another backend user. */
    private void useBackendStartup(StartupMessage backendStartup) {
        if (backendStartup == startup) {
            return;
        }
        startupPacket.release();
        startupPacket = client.alloc().buffer();
        backendStartup.encode(startupPacket);
        if (startupCopy != null) {
            // Further nodes are logged in to as the same mapped backend user.
            startupCopy.release();
            startupCopy = client.alloc().buffer();
            backendStartup.encode(startupCopy);
        }
    }

    /** The backend asks the proxy, not the client: answer from pool_passwd; the client hears only the outcome. */
    private void onBackendAuthenticationRequest(ByteBuf body) {
        if (proxyAuth.awaitsMirroredRequest()) {
            // pool_hba off: this request decides how the client is asked; it is answered once the client is in.
            phase = Phase.CLIENT_AUTH;
            onClientAuthStep(proxyAuth.startMirroring(backend.node().describe(), body));
            return;
        }
        onBackendAuthenticationStep(proxyAuth.onBackendRequest(backend.node().describe(), body));
    }

    private void onBackendAuthenticationStep(BackendAuthenticator.Step step) {
        if (step instanceof BackendAuthenticator.Step.Respond respond) {
            backend.channel().writeAndFlush(Unpooled.wrappedBuffer(respond.frame()), backend.channel().voidPromise());
        } else if (step instanceof BackendAuthenticator.Step.Failed failed) {
            fail(ProxyAuthentication.toPgException(failed.failure(), proxyAuth.client()));
        } else if (step instanceof BackendAuthenticator.Step.Authenticated) {
            toClient.writeTo(client);
            client.write(Unpooled.wrappedBuffer(proxyAuth.finalFrames()), client.voidPromise());
            wroteToClient = true;
        }
    }

    // ---------------------------------------------------------------- backend side

    @Override
    public void onBackendMessage(BackendConnection from, byte type, ByteBuf frames, int start, int length) {
        if (phase == Phase.READY) {
            // Hot path: only the two messages a decision needs are looked at, in place.
            if (type == MessageType.READY_FOR_QUERY) {
                transactionStatus = ReadyForQuery.statusAt(frames, start);
                awaitingReady = Math.max(0, awaitingReady - 1);
                if (awaitingReady == 0 && executing) {
                    executing = false;
                }
            } else if (type == MessageType.ERROR_RESPONSE) {
                noteBackendError(frames, start, length);
            }
            toClient.add(frames, start, length);
        } else if (phase == Phase.AUTHENTICATING) {
            onBackendStartupMessage(type, frames, start, length);
        } else if (phase == Phase.CLIENT_AUTH) {
            onBackendWhileClientAuthenticates(type, frames, start, length);
        }
        // CLOSED: the client is gone; nothing more to deliver.
    }

    /**
     * pool_hba off: the main backend waits for the answer to its request while the client
     * authenticates. It may give up (its own authentication_timeout): that error reaches the
     * client; anything else is out of turn.
     */
    private void onBackendWhileClientAuthenticates(byte type, ByteBuf frames, int start, int length) {
        if (type == MessageType.ERROR_RESPONSE) {
            noteBackendError(frames, start, length);
            toClient.add(frames, start, length);
            return;
        }
        fail(new PgException(Severity.FATAL, SqlState.PROTOCOL_VIOLATION, "the database server "
                + backend.node().describe() + " sent " + MessageType.describe(type)
                + " before its authentication request was answered", null, "check the server log; reconnect"));
    }

    /**
     * A FATAL or PANIC means the backend closes next. When it says its server shuts down
     * (57P01/57P02) the cluster owner hears of it (failover_on_backend_shutdown); the client gets
     * the backend's own words. Ownership: {@code frames} stays the caller's.
     */
    private void noteBackendError(ByteBuf frames, int start, int length) {
        if (!ErrorResponse.isFatal(frames, start, length)) {
            return;
        }
        backendSentFatal = true;
        ErrorResponse lastWords = ErrorResponse.decode(Frames.body(frames, start, length));
        BackendFailure.fromLastWords(lastWords.code()).ifPresent(failure -> services.backendFailed(
                backend.node(), failure, "ended the session with " + lastWords.code() + ": " + lastWords.message()));
    }

    private void onBackendStartupMessage(byte type, ByteBuf frames, int start, int length) {
        switch (type) {
            case MessageType.AUTHENTICATION -> {
                Authentication request = Authentication.decode(Frames.body(frames, start, length));
                if (++authenticationRounds > MAX_AUTHENTICATION_ROUNDS) {
                    throw PgException.protocolViolation("it asked for more than " + MAX_AUTHENTICATION_ROUNDS
                            + " authentication rounds");
                }
                // A connection the backend let in only after a password (relayed from the client or
                // answered from pool_passwd) is never pooled: a later client could get it without the
                // check that let the first one in (for example after a reload turns pool_hba off).
                trustLogin &= !request.expectsResponse();
                if (proxyAuth != null) {
                    onBackendAuthenticationRequest(Frames.body(frames, start, length));
                    return;
                }
                authenticationResponseExpected = request.expectsResponse();
                cleartextRequested = request instanceof Authentication.CleartextPassword;
                toClient.add(frames, start, length);
            }
            case MessageType.BACKEND_KEY_DATA -> {
                // The client gets the proxy's key, never the backend's (DESIGN hard part 5).
                backendKey = BackendKeyData.decode(Frames.body(frames, start, length));
                cancelTargets = List.of(new CancelRegistry.CancelTarget(backend.node(), backendKey));
                if (proxyKey == null) {
                    proxyKey = services.cancelRegistry().register(this);
                }
                toClient.writeTo(client);
                ByteBuf key = client.alloc().buffer(13);
                proxyKey.encode(key);
                client.write(key, client.voidPromise());
                wroteToClient = true;
            }
            case MessageType.READY_FOR_QUERY -> {
                transactionStatus = ReadyForQuery.statusAt(frames, start);
                toClient.add(frames, start, length);
                onAuthenticated();
            }
            case MessageType.ERROR_RESPONSE -> {
                noteBackendError(frames, start, length);
                toClient.add(frames, start, length);
            }
            case MessageType.PARAMETER_STATUS -> {
                if (startupCopy != null) {
                    if (parameterStatus == null) {
                        parameterStatus = client.alloc().buffer(512);
                    }
                    parameterStatus.writeBytes(frames, start, length);
                }
                toClient.add(frames, start, length);
            }
            // NoticeResponse, NegotiateProtocolVersion: relayed as they are.
            default -> toClient.add(frames, start, length);
        }
    }

    private void onAuthenticated() {
        phase = Phase.READY;
        startIdleCheck();
        decoder.setLimit(services.settings().limits().afterAuthentication());
        if (authenticationTimer != null) {
            authenticationTimer.cancel(false);
            authenticationTimer = null;
        }
        if (services.settings().logConnections()) {
            log.info("connection authorized: user={} database={} application_name={} backend={}",
                    startup.user().orElse(""), startup.database().orElse(""),
                    startup.parameters().getOrDefault("application_name", ""), backend.node().describe());
        }
        if (services.streaming().isPresent()) {
            startMultiNode();
        } else {
            rawSession = new RawSession(RAW_IDS.incrementAndGet(), java.time.Instant.now().minusNanos(System.nanoTime() - startedNanos),
                    startupFacts().database(), startupFacts().user(), backend.node().id(),
                    backendKey == null ? 0 : backendKey.processId());
        }
    }

    /** Raw mode: the facts of a logged-in session that do not change. */
    private record RawSession(long id, java.time.Instant started, String database, String user, int node, int backendPid) {
    }

    private static final java.util.concurrent.atomic.AtomicLong RAW_IDS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Raw mode: the session as pcp_proc_info and pcp_proc_count see it, once logged in (empty
     * before, and in streaming mode, where {@link MultiNodeSession#info()} reports). Raw mode
     * relays statements without reading them, so the last statement is not known. Safe from any
     * thread.
     */
    public Optional<io.tidepool.session.SessionInfo> rawInfo() {
        RawSession r = rawSession;
        if (r == null) {
            return Optional.empty();
        }
        return Optional.of(io.tidepool.session.SessionInfo.of(r.id(), r.started(), client.remoteAddress(), r.database(),
                r.user(), executing, transactionStatus, java.util.Map.of(r.node(), r.backendPid()), r.node(), ""));
    }

    /**
     * Streaming mode: from here on the session routes each statement; the main node's
     * connection is handed to it (what was collected for the client is written first).
     */
    private void startMultiNode() {
        if (toClient.writeTo(client)) {
            client.flush();
        }
        ByteBuf copy = startupCopy;
        startupCopy = null;
        SessionSettings settings = services.settings();
        ByteBuf status = parameterStatus != null ? parameterStatus : client.alloc().buffer(0);
        parameterStatus = null;
        multi = MultiNodeSession.afterLogin(client, services.streaming().get(), connecting(copy), this,
                startupFacts(), backend, backendKey, transactionStatus, trustLogin && cleartextPassword == null, status);
        cleartextPassword = null;
    }

    private MultiNodeSession.Connecting connecting(ByteBuf startupBytes) {
        SessionSettings settings = services.settings();
        return new MultiNodeSession.Connecting(services.connector(), settings.connectTimeout(), settings.limits(),
                startupBytes, standbyLogin());
    }

    /**
     * How further nodes are logged in to: with the proxy's pool_passwd credentials when the proxy
     * authenticated the client itself (any method the node asks for), else what relaying allows.
     */
    private io.tidepool.session.BackendLogin standbyLogin() {
        if (proxyAuth != null && services.authentication().isPresent()) {
            return new PoolPasswdLogin(services.authentication().get(), proxyAuth.backendCredentials());
        }
        return io.tidepool.session.BackendLogin.relayed(java.util.Optional.ofNullable(cleartextPassword));
    }

    private MultiNodeSession.Startup startupFacts() {
        String user = startup.user().orElse("");
        return new MultiNodeSession.Startup(startup.database().orElse(user), user, startup.parameters());
    }

    /**
     * Streaming mode with a pooled connection to the primary for this user, database and startup
     * parameters: the client is greeted as the server greeted the first owner, with the proxy's
     * cancel key. This skips nothing the server would have asked: the connection was let in by
     * trust, or with the pool_passwd secret the proxy has just checked this client against (a
     * SCRAM client still gets the proxy's SASLFinal before AuthenticationOk).
     */
    private boolean startFromPool() {
        io.tidepool.session.StreamingServices streaming = services.streaming().get();
        int primary = streaming.cluster().current().primaryId();
        // Before the client is in (relaying, or pool_hba off until the primary has asked), only
        // connections the node let in by trust; afterwards also those opened with its pool_passwd secret.
        boolean admittedByProxy = proxyAuth != null && proxyAuth.identity() != null;
        java.util.Optional<io.tidepool.backend.BackendPool.Pooled> pooled = MultiNodeSession.takePooled(streaming.pool(),
                client.eventLoop(), primary, startupFacts(), admittedByProxy && standbyLogin().sharesPasswordLogins());
        if (pooled.isEmpty()) {
            return false;
        }
        io.tidepool.backend.BackendPool.Pooled p = pooled.get();
        phase = Phase.READY;
        startIdleCheck();
        decoder.setLimit(services.settings().limits().afterAuthentication());
        if (authenticationTimer != null) {
            authenticationTimer.cancel(false);
            authenticationTimer = null;
        }
        startupPacket.release();
        startupPacket = null;
        ByteBuf greeting = client.alloc().buffer(64 + p.parameterStatus.readableBytes());
        if (admittedByProxy) {
            greeting.writeBytes(proxyAuth.finalFrames()); // SASLFinal first when SCRAM ran, then AuthenticationOk
        } else {
            Authentication.Ok.INSTANCE.encode(greeting);
        }
        greeting.writeBytes(p.parameterStatus, p.parameterStatus.readerIndex(), p.parameterStatus.readableBytes());
        proxyKey = services.cancelRegistry().register(this);
        proxyKey.encode(greeting);
        ReadyForQuery.of(TransactionStatus.IDLE).encode(greeting);
        client.writeAndFlush(greeting, client.voidPromise());
        ByteBuf copy = startupCopy;
        startupCopy = null;
        multi = MultiNodeSession.onPooled(client, streaming, connecting(copy), this, startupFacts(), p);
        transactionStatus = TransactionStatus.IDLE;
        if (services.settings().logConnections()) {
            log.info("connection authorized: user={} database={} (pooled connection to {})", startup.user().orElse(""),
                    startup.database().orElse(""), p.connection.node().describe());
        }
        client.config().setAutoRead(true);
        resume(clientContext);
        return true;
    }

    @Override
    public void fatal(PgException error) {
        fail(error);
    }

    @Override
    public void backendLost(BackendNode node, BackendFailure failure, String detail) {
        services.backendFailed(node, failure, detail);
    }

    @Override
    public void cancelTargetsChanged(List<CancelRegistry.CancelTarget> targets) {
        cancelTargets = targets;
    }

    @Override
    public void onBackendBatchEnd(BackendConnection from) {
        if (toClient.writeTo(client)) {
            wroteToClient = true;
        }
    }

    @Override
    public void onBackendReadComplete(BackendConnection from) {
        lastActivityNanos = System.nanoTime();
        if (wroteToClient) {
            wroteToClient = false;
            client.flush();
        }
    }

    @Override
    public void onBackendWritabilityChanged(BackendConnection from, boolean writable) {
        if (phase == Phase.READY || phase == Phase.AUTHENTICATING) {
            client.config().setAutoRead(writable);
        }
    }

    @Override
    public void onBackendProtocolFailure(BackendConnection from, PgException error) {
        fail(new PgException(Severity.FATAL, SqlState.PROTOCOL_VIOLATION,
                "the database server " + from.node().describe() + " broke the protocol: " + error.getMessage(),
                null, "check the server log; the session cannot continue, reconnect"));
    }

    @Override
    public void onBackendConnectFailed(BackendNode node, Throwable cause) {
        services.backendConnectionLost(node, "connecting failed: " + cause.getMessage());
    }

    @Override
    public void onBackendClosed(BackendConnection from) {
        if (phase == Phase.CLOSED || from != backend) {
            return;
        }
        if (clientTerminated || backendSentFatal) {
            // The client asked to end, or the server said why it ends: nothing to add.
            phase = Phase.CLOSED;
            client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String why = from.failure().map(cause -> ": " + cause.getMessage()).orElse("");
        services.backendConnectionLost(from.node(), "connection closed without an error message" + why);
        fail(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE,
                "lost the connection to the database server " + from.node().describe() + why,
                null, "the server closed the connection or stopped; reconnect to continue"));
    }

    // ---------------------------------------------------------------- ending

    /**
     * Ends the session with {@code error} from any thread: FAST shutdown sends 57P01 this way.
     * The client receives the error at a message boundary, then the connection closes.
     */
    public void terminate(PgException error) {
        if (client.eventLoop().inEventLoop()) {
            fail(error);
        } else {
            client.eventLoop().execute(() -> fail(error));
        }
    }

    /**
     * client_idle_limit_in_recovery: ends the session with {@code error} when it is idle (every
     * request answered, as for client_idle_limit) and nothing moved for {@code idleFor}; zero or
     * negative ends any idle session. A session busy with a statement goes on. Safe from any thread.
     */
    public void endIfIdle(Duration idleFor, PgException error) {
        client.eventLoop().execute(() -> {
            boolean waitingForClient = multi != null ? multi.waitingForClient() : awaitingReady == 0;
            long idleNanos = System.nanoTime() - lastActivityNanos;
            if (phase == Phase.READY && waitingForClient && (idleFor.isNegative() || idleNanos >= idleFor.toNanos())) {
                fail(error);
            }
        });
    }

    /** Closes both sides now, without a word (IMMEDIATE shutdown). Safe from any thread. */
    public void closeNow() {
        client.close();
    }

    /**
     * Sends {@code error} to the client (at a message boundary: only whole frames are ever
     * forwarded), closes the client, and ends the backend politely.
     */
    private void fail(PgException error) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        log.atLevel(error.sqlState() == SqlState.ADMIN_SHUTDOWN ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO)
                .log("session {} ends: {} {}", describePeer(client.remoteAddress()), error.sqlState().code(), error.getMessage());
        toClient.writeTo(client);
        if (client.isActive()) {
            client.writeAndFlush(ErrorResponse.of(error).encode(client.alloc())).addListener(ChannelFutureListener.CLOSE);
        }
        closeBackend();
    }

    private void closeBackend() {
        toBackend.clear();
        if (multi != null) {
            multi.close(!clientTerminated, false);
            return;
        }
        if (backend != null && backend.channel().isActive()) {
            Channel channel = backend.channel();
            if (!clientTerminated) {
                // Whole frames only were forwarded, so the server stands at a message
                // boundary and can be told goodbye instead of seeing a reset.
                channel.write(Terminate.frame(), channel.voidPromise());
            }
            channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * client_idle_limit: a periodic look, not a timer reset per message (that would cost a
     * scheduling on the hot path). A session counts as idle when every request was answered and
     * nothing moved for the whole limit: a client waiting for a long query is not idle.
     */
    private void startIdleCheck() {
        Duration limit = multi != null ? multi.clientIdleLimit(services.clientIdleLimit()) : services.clientIdleLimit();
        if (limit.isZero() || limit.isNegative() || idleCheck != null) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        long period = Math.max(100, limit.toMillis() / 4);
        idleCheck = client.eventLoop().scheduleAtFixedRate(() -> {
            boolean waitingForClient = multi != null ? multi.waitingForClient() : awaitingReady == 0;
            if (phase == Phase.READY && waitingForClient && System.nanoTime() - lastActivityNanos >= limit.toNanos()) {
                fail(new PgException(Severity.FATAL, SqlState.IDLE_SESSION_TIMEOUT,
                        "terminating connection: the client was idle longer than client_idle_limit ("
                                + limit.toSeconds() + " s)", null, "reconnect; raise client_idle_limit for long pauses"));
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** PGPOOL SET client_idle_limit: the check starts again with the session's limit. */
    @Override
    public void clientIdleLimitChanged() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        if (phase == Phase.READY) {
            startIdleCheck();
        }
    }

    /** A backend answered: the session is not idle (client_idle_limit). */
    @Override
    public void touched() {
        lastActivityNanos = System.nanoTime();
    }

    private void end() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        if (authenticationTimer != null) {
            authenticationTimer.cancel(false);
            authenticationTimer = null;
        }
        if (startupPacket != null) {
            startupPacket.release();
            startupPacket = null;
        }
        if (startupCopy != null) {
            startupCopy.release();
            startupCopy = null;
        }
        if (parameterStatus != null) {
            parameterStatus.release();
            parameterStatus = null;
        }
        if (admission == Admission.ADMITTED) {
            admission = Admission.NONE;
            services.admission().release();
        } else if (admission == Admission.QUEUED) {
            admission = Admission.NONE;
            if (!services.admission().withdraw(this)) {
                // Admitted in the same instant: admitted() will find the session gone and pass the slot on.
                log.debug("queued client left as its slot came free");
            }
        }
        if (proxyKey != null) {
            services.cancelRegistry().unregister(proxyKey);
        }
        cancelTargets = List.of();
        closeBackend();
        services.sessionEnded(this);
        if (services.settings().logDisconnections()) {
            Duration duration = Duration.ofNanos(System.nanoTime() - startedNanos);
            log.info("disconnection: session time: {} user={} database={} {}", formatDuration(duration),
                    startup == null ? "" : startup.user().orElse(""),
                    startup == null ? "" : startup.database().orElse(""), describePeer(client.remoteAddress()));
        }
    }

    // ---------------------------------------------------------------- views

    @Override
    public List<CancelRegistry.CancelTarget> cancelTargets() {
        return cancelTargets;
    }

    /** The transaction status of the last ReadyForQuery seen (event-loop confined). */
    TransactionStatus transactionStatus() {
        return transactionStatus;
    }

    private static String describePeer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return "host=" + inet.getAddress().getHostAddress() + " port=" + inet.getPort();
        }
        return "host=[local]";
    }

    private static String formatDuration(Duration duration) {
        return String.format("%d:%02d:%02d.%03d", duration.toHours(), duration.toMinutesPart(),
                duration.toSecondsPart(), duration.toMillisPart());
    }
}
