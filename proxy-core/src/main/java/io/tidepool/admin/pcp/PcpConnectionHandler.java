package io.tidepool.admin.pcp;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one PCP connection: hands each packet to its {@link PcpSession} on the blocking
 * executor (service calls may take minutes), one packet at a time, and writes the reply on the
 * event loop. Reading stops while a request is in progress, so a client cannot queue up work.
 *
 * <p>All fields are confined to the channel's event loop; the session is touched by one
 * executor task at a time, each started after the previous one finished (the completion hops
 * back to the event loop, which orders them).
 */
final class PcpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PcpConnectionHandler.class);
    /**
     * Requests a client may send ahead while one is in progress. pgpool-II's tools send one and
     * wait; a deep queue only comes from a client trying to make the server buffer for it.
     */
    static final int MAX_PIPELINED_REQUESTS = 32;
    /** How long a condemned connection is drained before it is closed. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private final PcpSession session;
    private final Executor blockingExecutor;
    private final Deque<PcpPacket> pending = new ArrayDeque<>();
    private boolean busy;
    private boolean closing;

    PcpConnectionHandler(PcpSession session, Executor blockingExecutor) {
        this.session = session;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof PcpPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            return;
        }
        if (pending.size() >= MAX_PIPELINED_REQUESTS) {
            log.warn("PCP: closing connection from {}: more than {} requests sent ahead",
                    ctx.channel().remoteAddress(), MAX_PIPELINED_REQUESTS);
            pending.clear();
            send(ctx, PcpSession.Reply.error(PcpErrorPacket.fatal("too many PCP requests sent ahead",
                    "send one request and wait for its answer")));
            return;
        }
        pending.add(packet);
        ctx.channel().config().setAutoRead(false);
        processNext(ctx);
    }

    private void processNext(ChannelHandlerContext ctx) {
        if (busy || closing) {
            return;
        }
        PcpPacket packet = pending.poll();
        if (packet == null) {
            ctx.channel().config().setAutoRead(true);
            return;
        }
        busy = true;
        CompletableFuture<PcpSession.Reply> reply;
        try {
            reply = CompletableFuture.supplyAsync(() -> session.handle(packet), blockingExecutor);
        } catch (RejectedExecutionException e) {
            busy = false;
            send(ctx, PcpSession.Reply.error(PcpErrorPacket.fatal("PCP server is shutting down",
                    "the request was not processed")));
            return;
        }
        reply.whenComplete((r, failure) -> ctx.executor().execute(() -> {
            busy = false;
            if (closing) {
                // The connection was condemned meanwhile; its FATAL is the last word.
                return;
            }
            if (failure != null) {
                log.error("PCP: request '{}' failed", packet.tag(), failure);
                send(ctx, PcpSession.Reply.error(PcpErrorPacket.fatal("PCP request failed because of an internal error",
                        String.valueOf(failure.getMessage()))));
                return;
            }
            send(ctx, r);
        }));
    }

    private void send(ChannelHandlerContext ctx, PcpSession.Reply reply) {
        if (!ctx.channel().isActive()) {
            return;
        }
        List<PcpPacket> packets = reply.packets();
        ChannelFuture last = ctx.newSucceededFuture();
        for (int i = 0; i < packets.size(); i++) {
            last = i == packets.size() - 1 ? ctx.writeAndFlush(packets.get(i)) : ctx.write(packets.get(i));
        }
        if (reply.afterSend().isPresent()) {
            // A thread of its own, not the worker pool: the task may be the shutdown of the whole
            // proxy, which closes this server and its pool on the way.
            Runnable task = reply.afterSend().get();
            last.addListener(f -> new Thread(task, "tidepool-pcp-after-reply").start());
        }
        if (reply.close()) {
            closing = true;
            pending.clear();
            last.addListener(f -> closeAfterLastWord(ctx));
        } else {
            processNext(ctx);
        }
    }

    /**
     * Ends the connection so that the client can read our last packet. Closing a socket whose
     * receive buffer still holds unread bytes (a client that kept sending) makes the kernel send
     * a reset, and the client may lose the FATAL it was about to read. So: half-close (FIN after
     * the packet), keep reading and discarding for a moment, then close.
     */
    private void closeAfterLastWord(ChannelHandlerContext ctx) {
        if (!(ctx.channel() instanceof DuplexChannel duplex) || !ctx.channel().isActive()) {
            ctx.close();
            return;
        }
        duplex.shutdownOutput();
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // A request in progress is not the client's delay; an authenticated client that is
            // idle between requests may stay (pgpool-II keeps it too). What is cut off: a client
            // that has not authenticated in time or stopped in the middle of a packet.
            PcpFrameDecoder decoder = ctx.pipeline().get(PcpFrameDecoder.class);
            boolean midPacket = decoder != null && decoder.inMiddleOfPacket();
            if (!busy && !closing && (!session.isAuthenticated() || midPacket)) {
                log.info("PCP: closing connection from {}: no complete request arrived in time",
                        ctx.channel().remoteAddress());
                send(ctx, PcpSession.timedOut());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PcpFrameException bad) {
            log.warn("PCP: invalid packet from {}: {}", ctx.channel().remoteAddress(), bad.getMessage());
            if (!closing) {
                send(ctx, PcpSession.badLength(bad.length()));
            }
            return;
        }
        log.debug("PCP: connection from {} failed", ctx.channel().remoteAddress(), cause);
        closing = true;
        ctx.close();
    }
}
