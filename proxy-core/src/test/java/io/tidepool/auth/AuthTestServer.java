package io.tidepool.auth;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.tidepool.auth.hba.HbaAddress;
import io.tidepool.auth.hba.HbaClient;
import io.tidepool.auth.hba.HbaRule;
import io.tidepool.auth.hba.HostResolver;
import io.tidepool.auth.hba.PoolHba;
import io.tidepool.auth.tls.ServerTls;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A PostgreSQL server face that runs only the authentication machinery: startup packet,
 * SSLRequest answered with 'S' and TLS, pool_hba.conf, {@link FrontendAuthenticator}; then
 * ParameterStatus, BackendKeyData, ReadyForQuery, and for any simple Query one row holding
 * {@code user/method/backend-credential-kind}. Real clients (psql, pgJDBC) can log in to it,
 * which is what the tests need. Not a proxy: the proxy's session integrates the same pieces.
 */
final class AuthTestServer implements AutoCloseable {

    private static final int PRE_AUTH_LIMIT = 10_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    private final Supplier<PoolHba> hba;
    private final Supplier<PoolPasswdStore> store;
    private final Supplier<Optional<ServerTls>> tls;
    private final FrontendAuthenticator.Settings settings;
    private final SecureRandom random = new SecureRandom();
    /** Every refusal sent, for assertions. */
    final List<AuthFailure> refusals = new CopyOnWriteArrayList<>();
    final List<ClientIdentity> admitted = new CopyOnWriteArrayList<>();

    AuthTestServer(Supplier<PoolHba> hba, Supplier<PoolPasswdStore> store, Supplier<Optional<ServerTls>> tls,
                   boolean allowClearText) throws InterruptedException {
        this.hba = hba;
        this.store = store;
        this.tls = tls;
        this.settings = FrontendAuthenticator.Settings.of(allowClearText, random);
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("session", new Session());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Session extends ByteToMessageDecoder {
        private boolean startupDone;
        private boolean authenticated;
        private FrontendAuthenticator authenticator;
        private ClientIdentity identity;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int header = startupDone ? 5 : 4;
            if (in.readableBytes() < header) {
                return;
            }
            int start = in.readerIndex();
            byte type = startupDone ? in.getByte(start) : 0;
            int length = in.getInt(start + (startupDone ? 1 : 0));
            int limit = authenticated ? Integer.MAX_VALUE : PRE_AUTH_LIMIT;
            if (length < 4 || length > limit) {
                fatal(ctx, AuthFailure.protocol("message length " + length + " exceeds limit " + limit));
                in.skipBytes(in.readableBytes());
                return;
            }
            if (in.readableBytes() < header - 4 + length) {
                return;
            }
            in.skipBytes(header);
            byte[] body = new byte[length - 4];
            in.readBytes(body);
            if (!startupDone) {
                onStartup(ctx, body);
            } else if (!authenticated) {
                if (type != 'p') {
                    fatal(ctx, AuthFailure.protocol("unexpected message during authentication"));
                    return;
                }
                handle(ctx, authenticator.onResponse(body));
            } else if (type == 'Q') {
                ByteBuf reply = ctx.alloc().buffer();
                String value = identity.user() + "/" + identity.method().keyword() + "/"
                        + identity.backend().secret().map(s -> s.getClass().getSimpleName()).orElse("none")
                        + (identity.backend().mustBeChecked() ? "/unchecked" : "");
                rowDescription(reply);
                dataRow(reply, value);
                message(reply, 'C', cString("SELECT 1"));
                message(reply, 'Z', new byte[] {'I'});
                ctx.writeAndFlush(reply);
            } else if (type == 'X') {
                ctx.close();
            }
        }

        private void onStartup(ChannelHandlerContext ctx, byte[] body) {
            int code = java.nio.ByteBuffer.wrap(body).getInt();
            if (code == 80877103) {
                Optional<ServerTls> serverTls = tls.get();
                if (serverTls.isEmpty()) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
                    return;
                }
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'S'}));
                ctx.pipeline().addFirst("tls", serverTls.get().newHandler(ctx.alloc()));
                return;
            }
            if (code == 80877104) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
                return;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            int at = 4;
            while (at < body.length && body[at] != 0) {
                int nul = indexOf(body, at);
                String name = new String(body, at, nul - at, StandardCharsets.UTF_8);
                int nul2 = indexOf(body, nul + 1);
                parameters.put(name, new String(body, nul + 1, nul2 - nul - 1, StandardCharsets.UTF_8));
                at = nul2 + 1;
            }
            startupDone = true;
            String user = parameters.getOrDefault("user", "");
            String database = parameters.getOrDefault("database", user);
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
            HbaClient client = HbaClient.tcp(peer.getAddress(), ssl != null, user, database);
            Optional<String> cn = ssl == null ? Optional.empty() : ServerTls.clientCommonName(ssl.engine().getSession());
            Optional<HbaRule> rule = hba.get().match(client, HostResolver.system(), HbaAddress.LocalNetworks.system());
            authenticator = new FrontendAuthenticator(settings, store.get(), random);
            handle(ctx, authenticator.start(client, rule, cn));
        }

        private void handle(ChannelHandlerContext ctx, AuthStep step) {
            if (step instanceof AuthStep.Challenge challenge) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(challenge.frame()));
            } else if (step instanceof AuthStep.Refused refused) {
                fatal(ctx, refused.failure());
            } else {
                AuthStep.Accepted accepted = (AuthStep.Accepted) step;
                identity = accepted.identity();
                admitted.add(identity);
                authenticated = true;
                ByteBuf out = ctx.alloc().buffer();
                out.writeBytes(accepted.finalFrames());
                for (String[] p : new String[][] {{"server_version", "15.0"}, {"client_encoding", "UTF8"},
                        {"server_encoding", "UTF8"}, {"DateStyle", "ISO, MDY"}, {"integer_datetimes", "on"},
                        {"standard_conforming_strings", "on"}, {"TimeZone", "UTC"}}) {
                    message(out, 'S', concat(cString(p[0]), cString(p[1])));
                }
                message(out, 'K', new byte[] {0, 0, 0, 1, 0, 0, 0, 2});
                message(out, 'Z', new byte[] {'I'});
                ctx.writeAndFlush(out);
            }
        }

        private void fatal(ChannelHandlerContext ctx, AuthFailure failure) {
            refusals.add(failure);
            List<byte[]> fields = new ArrayList<>();
            fields.add(field('S', "FATAL"));
            fields.add(field('V', "FATAL"));
            fields.add(field('C', failure.sqlState()));
            fields.add(field('M', failure.message()));
            failure.hint().ifPresent(h -> fields.add(field('H', h)));
            fields.add(new byte[] {0});
            ByteBuf out = ctx.alloc().buffer();
            message(out, 'E', concat(fields.toArray(new byte[0][])));
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static void rowDescription(ByteBuf out) {
        byte[] name = cString("auth");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 + name.length + 18);
        b.putShort((short) 1).put(name).putInt(0).putShort((short) 0).putInt(25).putShort((short) -1).putInt(-1).putShort((short) 0);
        message(out, 'T', b.array());
    }

    private static void dataRow(ByteBuf out, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 + 4 + v.length);
        b.putShort((short) 1).putInt(v.length).put(v);
        message(out, 'D', b.array());
    }

    private static void message(ByteBuf out, char type, byte[] body) {
        out.writeByte(type).writeInt(4 + body.length).writeBytes(body);
    }

    private static byte[] field(char code, String value) {
        return concat(new byte[] {(byte) code}, cString(value));
    }

    private static byte[] cString(String s) {
        return AuthTestClient.cString(s);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static int indexOf(byte[] body, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        return body.length;
    }
}
