package io.tidepool.admin.pcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import io.tidepool.server.ShutdownMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A blocking PCP client that talks to pgpool-II or Tidepool (spec 1): one connection, one
 * request at a time, every wait bounded by a timeout. Used by {@code tidepool pcp} and by the
 * console to manage remote pgpool-II installations. Not thread-safe; run it off UI and event
 * loop threads.
 */
public final class PcpClient implements AutoCloseable {

    /**
     * @param timeout        longest wait for the connection and for each response packet
     * @param nodeInfoLayout the node-info layout the server sends (pgpool-II's version; newest by default)
     * @param trace          receives {@code send:}/{@code recv:} lines like pgpool-II's {@code -d}
     * @param notices        receives notice packets the server sends along
     */
    public record Options(Duration timeout, NodeInfoLayout nodeInfoLayout, Consumer<String> trace,
                          Consumer<PcpErrorPacket> notices) {

        public Options {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(nodeInfoLayout, "nodeInfoLayout");
            Objects.requireNonNull(trace, "trace");
            Objects.requireNonNull(notices, "notices");
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(30), NodeInfoLayout.NEWEST, line -> { }, notice -> { });
        }

        public Options withTimeout(Duration value) {
            return new Options(value, nodeInfoLayout, trace, notices);
        }

        public Options withNodeInfoLayout(NodeInfoLayout value) {
            return new Options(timeout, value, trace, notices);
        }

        public Options withTrace(Consumer<String> value) {
            return new Options(timeout, nodeInfoLayout, value, notices);
        }

        public Options withNotices(Consumer<PcpErrorPacket> value) {
            return new Options(timeout, nodeInfoLayout, trace, value);
        }
    }

    /** Marks the end of the connection in the receive queue. */
    private static final Object CLOSED = new Object();

    private final Channel channel;
    private final EventLoopGroup ownedGroup;
    private final Options options;
    private final BlockingQueue<Object> received;
    private final String description;

    private PcpClient(Channel channel, BlockingQueue<Object> received, EventLoopGroup ownedGroup, Options options,
                      String description) {
        this.channel = channel;
        this.received = received;
        this.ownedGroup = ownedGroup;
        this.options = options;
        this.description = description;
    }

    /** Connects with an event loop of its own, shut down by {@link #close()}. */
    public static PcpClient connect(PcpEndpoint endpoint, Options options) throws PcpClientException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new PcpServer.NamedThreads("tidepool-pcp-client"),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            return connect(endpoint, options, group, true);
        } catch (PcpClientException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connects on a shared event loop group (epoll, or NIO for TCP only), which stays open. */
    public static PcpClient connect(PcpEndpoint endpoint, Options options, EventLoopGroup group)
            throws PcpClientException {
        return connect(endpoint, options, group, false);
    }

    private static PcpClient connect(PcpEndpoint endpoint, Options options, EventLoopGroup group, boolean owned)
            throws PcpClientException {
        boolean epoll = Epoll.isAvailable();
        if (endpoint.isUnixSocket() && !epoll) {
            throw new PcpClientException("cannot use the Unix socket " + endpoint.socketFile()
                    + ": native epoll transport is unavailable; give a host name with -h");
        }
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(endpoint.isUnixSocket() ? EpollDomainSocketChannel.class
                        : epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        options.timeout().toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(PcpFrameDecoder.forClient())
                                .addLast(PcpFrameEncoder.INSTANCE)
                                .addLast(new Receiver(queue));
                    }
                });
        if (!endpoint.isUnixSocket()) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture future = bootstrap.connect(endpoint.address());
        if (!future.awaitUninterruptibly(options.timeout().toMillis() + 1000)) {
            future.cancel(false);
            throw new PcpClientException("could not connect to " + endpoint + ": timed out");
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            throw new PcpClientException(connectFailure(endpoint, cause), cause);
        }
        return new PcpClient(future.channel(), queue, owned ? group : null, options, endpoint.toString());
    }

    /** pgpool-II's wording, so that scripts matching on it keep working. */
    private static String connectFailure(PcpEndpoint endpoint, Throwable cause) {
        String reason;
        if (endpoint.isUnixSocket() && !java.nio.file.Files.exists(endpoint.socketFile())) {
            reason = "No such file or directory";
        } else if (cause == null) {
            reason = "cancelled";
        } else if (String.valueOf(cause.getMessage()).contains("Connection refused")) {
            reason = "Connection refused";
        } else if (cause instanceof java.net.UnknownHostException) {
            return "could not retrieve hostname \"" + endpoint.host() + "\": unknown host";
        } else {
            reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        }
        return endpoint.isUnixSocket()
                ? "connection to socket \"" + endpoint.socketFile() + "\" failed with error \"" + reason + "\""
                : "connection to host \"" + endpoint.host() + "\" failed with error \"" + reason + "\"";
    }

    /** Salt exchange and md5 authentication (spec 1.4). */
    public void authenticate(String user, String password) throws PcpClientException {
        send(PcpPacket.of('M', new byte[0]));
        PcpPacket saltPacket = expect('m');
        if (saltPacket.payloadLength() != PcpAuthentication.SALT_LENGTH) {
            throw protocol("salt of " + saltPacket.payloadLength() + " bytes");
        }
        byte[] salt = saltPacket.payload();
        send(PcpPacket.ofStrings('R', user, PcpAuthentication.clientResponse(user, password, salt)));
        PcpPacket answer = expect('r');
        List<String> fields = answer.strings();
        if (fields.isEmpty() || !fields.get(0).equals(PcpAuthentication.AUTHENTICATION_OK)) {
            throw new PcpClientException("authentication failed: server answered " + fields);
        }
    }

    public int nodeCount() throws PcpClientException {
        send(PcpPacket.ofStrings('L'));
        return parseInt(completed(expect('l')), 0, "node count");
    }

    /**
     * Node information, for every node ({@code -1}) or one. The node ids are positions for
     * {@code -1}, the requested id otherwise. Select count and load-balance flag are not on the
     * wire and read 0/false.
     */
    public List<NodeSnapshot> nodeInfo(int nodeId) throws PcpClientException {
        send(PcpPacket.ofStrings('I', Integer.toString(nodeId)));
        NodeInfoLayout layout = options.nodeInfoLayout();
        List<NodeSnapshot> nodes = new ArrayList<>();
        PcpPacket first = expect('i');
        List<String> head = first.strings();
        if (head.size() > 1 && head.get(0).equals(PcpResponses.COMMAND_COMPLETE)) {
            // 4.2 servers: one packet per request.
            nodes.add(parseNode(nodeId, head.subList(1, head.size()), layout, false));
            return nodes;
        }
        int count = parseInt(arraySize(first), 0, "node count");
        for (int i = 0; i < count; i++) {
            List<String> fields = expect('i').strings();
            if (fields.isEmpty() || !fields.get(0).equals(PcpResponses.NODE_INFO)) {
                throw protocol("node info record " + fields);
            }
            nodes.add(parseNode(nodeId == -1 ? i : nodeId, fields.subList(1, fields.size()), layout, true));
        }
        completed(expect('i'));
        return nodes;
    }

    private NodeSnapshot parseNode(int id, List<String> f, NodeInfoLayout expected, boolean multiPacket)
            throws PcpClientException {
        NodeInfoLayout layout = NodeInfoLayout.ofRecord(expected, multiPacket, f.size());
        if (f.size() < layout.fieldCount()) {
            throw protocol("node info with " + f.size() + " fields, the " + layout + " layout has "
                    + layout.fieldCount());
        }
        int i = 0;
        String hostname = f.get(i++);
        int port = parseInt(f, i++, "port");
        int statusCode = parseInt(f, i++, "status");
        boolean quarantined = layout.hasQuarantine() && f.get(i++).equals("1");
        NodeSnapshot.ActualStatus actual = NodeSnapshot.ActualStatus.UNKNOWN;
        if (layout.hasActualStatusAndRole()) {
            String text = f.get(i++);
            for (NodeSnapshot.ActualStatus s : NodeSnapshot.ActualStatus.values()) {
                if (s.text().equals(text)) {
                    actual = s;
                }
            }
        }
        double weight = parseDouble(f.get(i++), "weight") / PcpResponses.WEIGHT_SCALE;
        int roleCode = parseInt(f, i++, "role");
        String actualRole = layout.hasActualStatusAndRole() ? f.get(i++) : "unknown";
        boolean byTime = layout.hasDelayByTime() && f.get(i++).equals("1");
        long delay = parseUnsigned(f.get(i++), "replication delay");
        String replicationState = f.get(i++);
        String syncState = f.get(i++);
        long changed = parseUnsigned(f.get(i), "status change time");
        return new NodeSnapshot(id, hostname, port, statusOf(statusCode), quarantined, actual,
                Math.max(0.0, Math.min(1.0, weight)), roleOf(roleCode), actualRole, delay, byTime,
                replicationState, syncState, Instant.ofEpochSecond(changed), 0, false);
    }

    private static NodeStatus statusOf(int code) {
        for (NodeStatus s : NodeStatus.values()) {
            if (s.code() == code) {
                return s;
            }
        }
        return NodeStatus.UNUSED;
    }

    private static NodeRole roleOf(int code) {
        for (NodeRole r : NodeRole.values()) {
            if (r.code() == code) {
                return r;
            }
        }
        return NodeRole.REPLICA;
    }

    public HealthCheckReport healthCheckStats(int nodeId) throws PcpClientException {
        send(PcpPacket.ofStrings('H', Integer.toString(nodeId)));
        List<String> values = completed(expect('h'));
        if (values.size() < HealthCheckReport.FIELD_COUNT) {
            throw protocol("health check stats with " + values.size() + " values");
        }
        return new HealthCheckReport(values.subList(0, HealthCheckReport.FIELD_COUNT));
    }

    /** The pids of pcp_proc_count. */
    public List<Integer> processIds() throws PcpClientException {
        send(PcpPacket.ofStrings('N'));
        List<String> values = completed(expect('n'));
        int count = parseInt(values, 0, "process count");
        if (values.size() < count + 1) {
            throw protocol("process count " + count + " with " + (values.size() - 1) + " pids");
        }
        List<Integer> pids = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            pids.add(parseInt(values, i, "pid"));
        }
        return pids;
    }

    /** Process info rows, every slot ({@code 0}) or one. */
    public List<ProcessInfoReport> processInfo(int pid) throws PcpClientException {
        send(PcpPacket.ofStrings('P', Integer.toString(pid)));
        int count = parseInt(arraySize(expect('p')), 0, "process info count");
        List<ProcessInfoReport> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<String> fields = expect('p').strings();
            if (fields.isEmpty() || !fields.get(0).equals(PcpResponses.PROCESS_INFO)) {
                throw protocol("process info record " + fields);
            }
            rows.add(new ProcessInfoReport(fields.subList(1, fields.size())));
        }
        completed(expect('p'));
        return rows;
    }

    public List<PoolStatusRow> poolStatus() throws PcpClientException {
        send(PcpPacket.ofStrings('B'));
        PcpPacket size = expect('b');
        byte[] payload = size.payload();
        int nameLength = PcpResponses.ARRAY_SIZE.length() + 1;
        if (payload.length != nameLength + 4 || !size.strings().get(0).equals(PcpResponses.ARRAY_SIZE)) {
            throw protocol("pool status header " + size);
        }
        int count = ((payload[nameLength] & 0xff) << 24) | ((payload[nameLength + 1] & 0xff) << 16)
                | ((payload[nameLength + 2] & 0xff) << 8) | (payload[nameLength + 3] & 0xff);
        List<PoolStatusRow> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> fields = expect('b').strings();
            if (fields.size() < 4 || !fields.get(0).equals(PcpResponses.PROCESS_CONFIG)) {
                throw protocol("pool status record " + fields);
            }
            rows.add(new PoolStatusRow(fields.get(1), fields.get(2), fields.get(3)));
        }
        completed(expect('b'));
        return rows;
    }

    /** The watchdog JSON document (spec 1.7.8), all nodes ({@code -1}) or one. */
    public String watchdogInfo(int watchdogNodeId) throws PcpClientException {
        send(PcpPacket.ofStrings('W', Integer.toString(watchdogNodeId)));
        List<String> values = completed(expect('w'));
        if (values.isEmpty()) {
            throw protocol("watchdog info without a document");
        }
        return values.get(0);
    }

    /** The watchdog document parsed. */
    public WatchdogReport watchdogReport(int watchdogNodeId) throws PcpClientException {
        return WatchdogReport.parse(watchdogInfo(watchdogNodeId));
    }

    public void detachNode(int nodeId, boolean graceful) throws PcpClientException {
        send(PcpPacket.ofStrings(graceful ? 'd' : 'D', Integer.toString(nodeId)));
        completed(expect('d'));
    }

    public void attachNode(int nodeId) throws PcpClientException {
        send(PcpPacket.ofStrings('C', Integer.toString(nodeId)));
        completed(expect('c'));
    }

    /** {@code "<id> \0"} and the option byte, as the 4.3+ tools send it (spec 1.6). */
    public void promoteNode(int nodeId, boolean switchover, boolean graceful) throws PcpClientException {
        byte[] id = (nodeId + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[id.length + 2];
        System.arraycopy(id, 0, payload, 0, id.length);
        payload[id.length + 1] = (byte) (switchover ? 's' : 'n');
        send(PcpPacket.of(graceful ? 'j' : 'J', payload));
        completed(expect('d'));
    }

    /** Online recovery; the server answers when it has finished, so give a long timeout. */
    public void recoverNode(int nodeId) throws PcpClientException {
        send(PcpPacket.ofStrings('O', Integer.toString(nodeId)));
        completed(expect('c'));
    }

    public void stop(ShutdownMode mode, boolean clusterWide) throws PcpClientException {
        send(PcpPacket.of(clusterWide ? 't' : 'T', new byte[] {(byte) mode.code()}));
        completed(expect('t'));
    }

    public void reloadConfig(boolean clusterWide) throws PcpClientException {
        send(PcpPacket.of('Z', new byte[] {(byte) (clusterWide ? 'c' : 'l')}));
        completed(expect('z'));
    }

    /** Needs a 4.6+ server. */
    public void rotateLog(boolean clusterWide) throws PcpClientException {
        send(PcpPacket.of('V', new byte[] {(byte) (clusterWide ? 'c' : 'l')}));
        completed(expect('v'));
    }

    /** Needs a 4.6+ server. */
    public void invalidateQueryCache() throws PcpClientException {
        send(PcpPacket.ofStrings('G'));
        completed(expect('g'));
    }

    /** Sends the polite goodbye {@code X} (no answer) and closes. */
    @Override
    public void close() {
        try {
            if (channel.isActive()) {
                options.trace().accept("send: tos=\"X\", len=4");
                channel.writeAndFlush(PcpPacket.of('X', new byte[0])).awaitUninterruptibly(1000);
            }
            channel.close().awaitUninterruptibly(1000);
        } finally {
            if (ownedGroup != null) {
                ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
            }
        }
    }

    private void send(PcpPacket packet) throws PcpClientException {
        options.trace().accept("send: tos=\"" + packet.tag() + "\", len=" + packet.wireLength());
        ChannelFuture write = channel.writeAndFlush(packet);
        if (!write.awaitUninterruptibly(options.timeout().toMillis()) || !write.isSuccess()) {
            throw new PcpClientException("could not send to " + description + ": "
                    + (write.cause() == null ? "timed out" : write.cause().getMessage()), write.cause());
        }
    }

    /**
     * The next packet, which must carry {@code tag}. Notices are passed on and skipped; an
     * error packet becomes a {@link PcpErrorException}.
     */
    private PcpPacket expect(char tag) throws PcpClientException {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        while (true) {
            Object next;
            try {
                next = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.close();
                throw new PcpClientException("interrupted while waiting for " + description);
            }
            if (next == null) {
                channel.close();
                throw new PcpClientException("no answer from " + description + " within "
                        + options.timeout().toSeconds() + " s; the connection is closed");
            }
            if (next == CLOSED) {
                received.add(CLOSED);
                throw new PcpClientException("the server at " + description + " closed the connection");
            }
            if (next instanceof Throwable failure) {
                channel.close();
                throw new PcpClientException("connection to " + description + " failed: " + failure.getMessage(),
                        failure);
            }
            PcpPacket packet = (PcpPacket) next;
            options.trace().accept("recv: tos=\"" + packet.tag() + "\", len=" + packet.wireLength());
            if (packet.tag() == 'N') {
                options.notices().accept(PcpErrorPacket.decode(packet));
                continue;
            }
            if (packet.tag() == 'E') {
                PcpErrorPacket error = PcpErrorPacket.decode(packet);
                if (error.isFatal()) {
                    channel.close();
                }
                throw new PcpErrorException(error);
            }
            if (packet.tag() != tag) {
                channel.close();
                throw protocol("packet type \"" + packet.tag() + "\" where \"" + tag + "\" was expected");
            }
            return packet;
        }
    }

    /** The values after "CommandComplete". */
    private List<String> completed(PcpPacket packet) throws PcpClientException {
        List<String> fields = packet.strings();
        if (fields.isEmpty() || !fields.get(0).equals(PcpResponses.COMMAND_COMPLETE)) {
            throw protocol("response " + packet + " without CommandComplete");
        }
        return fields.subList(1, fields.size());
    }

    private List<String> arraySize(PcpPacket packet) throws PcpClientException {
        List<String> fields = packet.strings();
        if (fields.size() < 2 || !fields.get(0).equals(PcpResponses.ARRAY_SIZE)) {
            throw protocol("response " + packet + " without ArraySize");
        }
        return fields.subList(1, fields.size());
    }

    private PcpClientException protocol(String what) {
        channel.close();
        return new PcpClientException("invalid PCP response from " + description + ": unexpected " + what);
    }

    private int parseInt(List<String> values, int index, String what) throws PcpClientException {
        if (index >= values.size()) {
            throw protocol("response without " + what);
        }
        try {
            return Integer.parseInt(values.get(index).trim());
        } catch (NumberFormatException e) {
            throw protocol(what + " \"" + values.get(index) + "\"");
        }
    }

    private long parseUnsigned(String text, String what) throws PcpClientException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw protocol(what + " \"" + text + "\"");
        }
    }

    private double parseDouble(String text, String what) throws PcpClientException {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw protocol(what + " \"" + text + "\"");
        }
    }

    /** Moves what the channel delivers into the client's queue. */
    private static final class Receiver extends SimpleChannelInboundHandler<PcpPacket> {
        private final BlockingQueue<Object> queue;

        Receiver(BlockingQueue<Object> queue) {
            this.queue = queue;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, PcpPacket packet) {
            queue.add(packet);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            queue.add(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            queue.add(CLOSED);
        }
    }
}
