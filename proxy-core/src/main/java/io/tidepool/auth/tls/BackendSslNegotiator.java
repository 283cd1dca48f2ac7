package io.tidepool.auth.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;

import java.io.IOException;

/**
 * Asks a backend for TLS before anything else is sent, as pgpool-II does with {@code ssl = on}:
 * SSLRequest, then the server's one-byte answer. 'S': this handler is replaced by an
 * {@link SslHandler} and {@code ready} completes once the handshake succeeded (a certificate
 * that fails verification fails it). 'N': the connection goes on in plain text. Anything else,
 * or bytes after the 'S' that arrived before the handshake (a server-side injection attempt,
 * CVE-2021-23222 in libpq), fails {@code ready}.
 *
 * <p>Add it first in an active channel's pipeline; the handlers behind it see only what follows
 * the negotiation. Ownership: every buffer it reads is released here.
 */
public final class BackendSslNegotiator extends ChannelInboundHandlerAdapter {

    private final BackendTls tls;
    private final String host;
    private final int port;
    private final Promise<Boolean> ready;
    private boolean answered;

    /**
     * @param ready completes with true when TLS is up, false when the server declined it
     */
    public BackendSslNegotiator(BackendTls tls, String host, int port, Promise<Boolean> ready) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.ready = ready;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(BackendTls.sslRequest())).addListener(written -> {
            if (!written.isSuccess()) {
                ready.tryFailure(written.cause());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered || !(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (!in.isReadable()) {
                return;
            }
            answered = true;
            byte answer = in.readByte();
            if (answer == 'S') {
                if (in.isReadable()) {
                    ready.tryFailure(new IOException("the server sent unencrypted data after accepting SSL"));
                    ctx.close();
                    return;
                }
                SslHandler ssl = tls.context().newHandler(ctx.alloc(), host, port);
                ctx.pipeline().replace(this, "backend-tls", ssl);
                ssl.handshakeFuture().addListener(done -> {
                    if (done.isSuccess()) {
                        ready.trySuccess(true);
                    } else {
                        ready.tryFailure(done.cause());
                    }
                });
            } else if (answer == 'N') {
                ctx.pipeline().remove(this);
                if (in.isReadable()) {
                    ready.tryFailure(new IOException("the server sent data after declining SSL"));
                    ctx.close();
                    return;
                }
                ready.trySuccess(false);
            } else {
                ready.tryFailure(new IOException("the server answered the SSL request with byte " + (answer & 0xff)
                        + " instead of 'S' or 'N'"));
                ctx.close();
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ready.tryFailure(new IOException("the server closed the connection during the SSL request"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.tryFailure(cause);
        ctx.fireExceptionCaught(cause);
    }
}
