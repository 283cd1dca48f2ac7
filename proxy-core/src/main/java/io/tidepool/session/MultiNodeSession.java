package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.tidepool.backend.BackendConnection;
import io.tidepool.backend.BackendConnector;
import io.tidepool.backend.BackendNode;
import io.tidepool.backend.CancelRegistry;
import io.tidepool.cluster.BackendFailure;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.ProtocolLimits;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.backend.BackendKeyData;
import io.tidepool.protocol.backend.ErrorResponse;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.backend.TextResultSet;
import io.tidepool.protocol.backend.TransactionStatus;
import io.tidepool.protocol.frontend.Parse;
import io.tidepool.protocol.frontend.Query;
import io.tidepool.protocol.frontend.Sync;
import io.tidepool.routing.ClusterView;
import io.tidepool.routing.NodeView;
import io.tidepool.routing.RoutingDecision;
import io.tidepool.routing.RoutingExplainer;
import io.tidepool.routing.Router;
import io.tidepool.routing.SessionRoutingState;
import io.tidepool.routing.StatementClassification;
import io.tidepool.session.ExpectedResponse.Kind;
import io.tidepool.session.ExpectedResponse.Visibility;
import io.tidepool.session.PreparedStatements.Portal;
import io.tidepool.session.PreparedStatements.Statement;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An authenticated session in streaming-replication (or logical-replication) mode: each
 * statement is routed at its boundary (simple Query, or Parse for the extended protocol) and sent
 * to the node(s) the {@link io.tidepool.routing.Router} chose; standbys are opened on first use,
 * on the client's event loop, and brought to the session's state ({@link SessionStateLog});
 * answers return to the client in request order ({@link ResponseQueue}); admin commands are
 * answered here ({@link AdminCommand}).
 *
 * <p>The node the client authenticated against (the primary: the main node) is always open; if it
 * is lost the session ends. A standby that is lost costs the requests it owed an ErrorResponse
 * (08006); the session goes on with the remaining nodes.
 *
 * <p>Event-loop confined, except {@link #info()}.
 */
public final class MultiNodeSession implements NodeLink.Owner {

    /** What the session asks of the client connection that hosts it. */
    public interface Host {
        /** Ends the whole session with {@code error}. */
        void fatal(PgException error);

        /** The backends a CancelRequest must reach changed. */
        void cancelTargetsChanged(List<CancelRegistry.CancelTarget> targets);

        /** A backend sent something (the session is not idle). */
        void touched();

        /**
         * A node could not be reached, its connection broke without an error message
         * ({@code CONNECTION_ERROR}, failover_on_backend_error), or it ended the connection saying
         * its server shuts down ({@code SHUTDOWN}, failover_on_backend_shutdown): the cluster owner
         * hears of it.
         */
        void backendLost(io.tidepool.backend.BackendNode node, BackendFailure failure, String detail);

        /** {@code PGPOOL SET/RESET} changed this session's client_idle_limit ({@link #clientIdleLimit}). */
        default void clientIdleLimitChanged() {
        }
    }

    /** How to reach and log in to further nodes. Ownership: {@code startupPacket} is the session's until {@link #close}. */
    public record Connecting(BackendConnector connector, Duration connectTimeout, ProtocolLimits limits,
                             ByteBuf startupPacket, BackendLogin login) {
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MultiNodeSession.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final Channel client;
    private final StreamingServices services;
    private final Connecting connecting;
    private final Host host;
    private final int mainNode;
    private final NodeMap<NodeLink> links = new NodeMap<>();
    private final Set<Integer> lost = new HashSet<>();
    private final ResponseQueue queue;
    private final PreparedStatements prepared = new PreparedStatements();
    private final SessionStateLog stateLog = new SessionStateLog();
    private final PgpoolSessionSettings pgpool;
    /** The router with this session's PGPOOL SET values, and the server router it was made from. */
    private Router sessionRouter;
    private Router sessionRouterBase;
    private SessionRoutingState routing;
    private TransactionStatus status;
    private NodeLink lastTarget;
    private boolean closed;

    private final long id = IDS.incrementAndGet();
    private final Instant started = Instant.now();
    private final String database;
    private final String user;
    private volatile String lastStatement = "";
    private volatile Map<Integer, Integer> backendPids = Map.of();
    /**
     * A request is unanswered (SHOW pool_processes: {@code Execute command}). Set by each client
     * message, recomputed from the response queue at the end of each read; written only when it changes.
     */
    private volatile boolean executing;

    /** What the client's startup said: who, where, and every parameter (the pool key). */
    public record Startup(String database, String user, Map<String, String> parameters) {
        public Startup {
            parameters = Map.copyOf(parameters);
        }
    }

    private final Startup startup;

    /**
     * After the client logged in to the main node through the relay.
     *
     * @param trust           the login needed no credentials (the connection may be pooled afterwards)
     * @param parameterStatus the server's ParameterStatus messages (ownership taken)
     */
    public static MultiNodeSession afterLogin(Channel client, StreamingServices services, Connecting connecting, Host host,
                                              Startup startup, BackendConnection main, BackendKeyData mainKey,
                                              TransactionStatus status, boolean trust, ByteBuf parameterStatus) {
        MultiNodeSession s = new MultiNodeSession(client, services, connecting, host, startup, main.node().id(), status);
        s.links.put(s.mainNode, NodeLink.loggedIn(main, s, mainKey, status, trust, parameterStatus));
        s.linksChanged();
        return s;
    }

    /** On a pooled connection to the main node (ownership of {@code pooled} taken). */
    public static MultiNodeSession onPooled(Channel client, StreamingServices services, Connecting connecting, Host host,
                                            Startup startup, io.tidepool.backend.BackendPool.Pooled pooled) {
        MultiNodeSession s = new MultiNodeSession(client, services, connecting, host, startup,
                pooled.connection.node().id(), TransactionStatus.IDLE);
        s.links.put(s.mainNode, NodeLink.fromPool(pooled, s));
        s.linksChanged();
        return s;
    }

    /** The pool key of {@code node} for this client, for a trust or a password login. */
    public static io.tidepool.backend.BackendPool.Key poolKey(int node, Startup startup, boolean passwordLogin) {
        return new io.tidepool.backend.BackendPool.Key(node, startup.user(), startup.database(), startup.parameters(),
                passwordLogin);
    }

    /**
     * A parked connection to {@code node} for this client: one the node let in by trust, else,
     * when {@code passwordLogins} (see {@link BackendLogin#sharesPasswordLogins}), one it let in
     * with the same user's pool_passwd secret. Call on {@code loop}.
     */
    public static Optional<io.tidepool.backend.BackendPool.Pooled> takePooled(io.tidepool.backend.BackendPool pool,
            io.netty.channel.EventLoop loop, int node, Startup startup, boolean passwordLogins) {
        Optional<io.tidepool.backend.BackendPool.Pooled> pooled = pool.take(loop, poolKey(node, startup, false));
        if (pooled.isEmpty() && passwordLogins) {
            pooled = pool.take(loop, poolKey(node, startup, true));
        }
        return pooled;
    }

    private MultiNodeSession(Channel client, StreamingServices services, Connecting connecting, Host host,
                             Startup startup, int mainNode, TransactionStatus status) {
        String database = startup.database();
        String user = startup.user();
        String applicationName = startup.parameters().getOrDefault("application_name", "");
        this.startup = startup;
        this.client = client;
        this.services = services;
        this.connecting = connecting;
        this.host = host;
        this.mainNode = mainNode;
        this.status = status;
        this.database = database;
        this.user = user;
        this.queue = new ResponseQueue(client);
        this.pgpool = new PgpoolSessionSettings(services.admin().config());
        SessionRoutingState initial = SessionRoutingState.start(database, user, applicationName).usingNodes(List.of(mainNode));
        // The load-balance node is chosen when the session starts, as pgpool-II does: SHOW pool_nodes
        // marks it from the first statement on, and the first read goes there without a choice of its own.
        Router.Choice choice = router().chooseLoadBalanceNode(initial, services.cluster().current());
        this.routing = choice.node() < 0 ? initial : initial.withLoadBalanceNode(choice.node(), choice.rule());
        services.started(this);
    }

    // ================================================================== client messages

    /** One client message (whole frame, borrowed). */
    public void onClientMessage(byte type, ByteBuf frames, int start, int length) {
        if (!executing && type != MessageType.TERMINATE) { // a client saying goodbye asks for nothing
            executing = true;
        }
        switch (type) {
            case MessageType.QUERY -> onQuery(frames, start, length);
            case MessageType.PARSE -> onParse(frames, start, length);
            case MessageType.BIND -> onBind(frames, start, length);
            case MessageType.DESCRIBE -> onDescribe(frames, start, length);
            case MessageType.EXECUTE -> onExecute(frames, start, length);
            case MessageType.CLOSE -> onClose(frames, start, length);
            case MessageType.SYNC -> onSync(frames, start, length);
            case MessageType.FLUSH -> onFlush();
            case MessageType.COPY_DATA, MessageType.COPY_DONE, MessageType.COPY_FAIL -> {
                if (lastTarget != null && lastTarget.isOpen()) {
                    lastTarget.send(frames, start, length);
                }
            }
            case MessageType.FUNCTION_CALL -> {
                NodeLink main = links.get(mainNode);
                main.send(frames, start, length);
                queue.expect(new ExpectedResponse(Kind.QUERY, main, Visibility.ALL, true));
                lastTarget = main;
            }
            case MessageType.TERMINATE -> close(false, true);
            default -> throw PgException.protocolViolation("invalid frontend message type " + MessageType.describe(type)
                    + "; the client does not speak the PostgreSQL v3 protocol");
        }
    }

    /** End of a client read: hands each node what it got. */
    public void endClientBatch() {
        for (NodeLink link : links) {
            link.endBatch();
        }
        queue.endBatch();
        noteExecuting();
    }

    private void noteExecuting() {
        boolean now = !queue.idle();
        if (now != executing) {
            executing = now;
        }
    }

    /** End of a client read batch: flushes nodes and client. */
    public void flushAll() {
        for (NodeLink link : links) {
            link.flush();
        }
        queue.flush();
    }

    public void clientWritabilityChanged(boolean writable) {
        for (NodeLink link : links) {
            link.setAutoRead(writable);
        }
    }

    private void onQuery(ByteBuf frames, int start, int length) {
        String sql = Query.sqlOf(frames, start, length);
        lastStatement = sql;
        Optional<AdminCommand> admin = AdminCommand.parse(sql);
        if (admin.isPresent()) {
            answerSimple(admin.get());
            return;
        }
        StatementClassification c = classify(sql);
        RoutingDecision d = router().route(c, routing, view());
        if (d.target() == RoutingDecision.Target.NO_NODE) {
            queue.answer(errorAndReady(noNode(d)));
            return;
        }
        List<NodeLink> targets = open(ordered(d.nodeIds()));
        perNodeStatement(targets, sql);
        send(targets, frames, start, length, Kind.QUERY);
        afterStatement(c, d, targets);
        executed(c, targets);
    }

    private void onParse(ByteBuf frames, int start, int length) {
        StatementClassification c = sameAsLastParse(frames, start, length);
        String name;
        if (c != null) {
            name = ""; // the text was classified at the last Parse; only the routing is redone
            lastStatement = c.text();
        } else {
            Parse parse = Parse.decode(Frames.body(frames, start, length));
            name = parse.statement();
            lastStatement = parse.sql();
            Optional<AdminCommand> admin = AdminCommand.parse(parse.sql());
            if (admin.isPresent()) {
                prepared.put(new Statement(name, null, null, admin.get()));
                queue.answer(empty(MessageType.PARSE_COMPLETE));
                return;
            }
            if (!name.isEmpty() && prepared.isFull() && prepared.statement(name) == null) {
                answerExtendedError(new PgException(Severity.ERROR, SqlState.PROTOCOL_VIOLATION,
                        "too many prepared statements in this session (" + PreparedStatements.MAX_STATEMENTS + ")",
                        null, "close statements the application no longer needs"));
                return;
            }
            c = classify(parse.sql());
        }
        RoutingDecision d = router().route(c, routing, view());
        if (d.target() == RoutingDecision.Target.NO_NODE) {
            answerExtendedError(noNode(d));
            return;
        }
        List<Integer> ids = ordered(d.nodeIds());
        Statement statement = new Statement(name, keptParse(name, frames, start, length, client.alloc()), c, null);
        statement.routedTo = ids;
        List<NodeLink> targets = open(ids);
        send(targets, frames, start, length, Kind.PARSE);
        for (NodeLink link : targets) {
            statement.nodes.set(link.nodeId());
        }
        prepared.put(statement);
        afterStatement(c, d, targets);
    }

    /**
     * The classification of an unnamed Parse that repeats the session's current unnamed statement
     * byte for byte (pgJDBC's one-shot statements, pgbench -M extended), or null: the text need
     * not be decoded and looked up again (a classification depends on the text alone; the
     * settings that act on it are applied when routing, which is done afresh).
     */
    private StatementClassification sameAsLastParse(ByteBuf frames, int start, int length) {
        Statement last = prepared.statement("");
        if (last == null || last.parse == null || last.parse.readableBytes() != length
                || !ByteBufUtil.equals(last.parse, last.parse.readerIndex(), frames, start, length)) {
            return null;
        }
        return last.classification;
    }

    /** Largest client read buffer an unnamed statement may keep alive (see {@link #keptParse}). */
    static final int MAX_PINNED_READ_BUFFER = 8192;

    /**
     * What a statement keeps of its Parse {@code frames[start, start + length)}, for replaying it on
     * a node that needs it later. The unnamed statement, replaced by the next Parse, keeps a retained
     * slice of the client's read buffer when that buffer is small (its bytes never move while a
     * slice is out, see FrameInboundHandler): no copy for pgJDBC's one-shot statements. A named
     * statement, which may live as long as the session, or one that arrived in a large buffer keeps
     * a copy of its own, so that an idle session never pins a big read buffer.
     */
    static ByteBuf keptParse(String name, ByteBuf frames, int start, int length, io.netty.buffer.ByteBufAllocator alloc) {
        if (name.isEmpty() && frames.capacity() <= MAX_PINNED_READ_BUFFER) {
            return frames.retainedSlice(start, length);
        }
        ByteBuf copy = alloc.buffer(length);
        copy.writeBytes(frames, start, length);
        return copy;
    }

    private void onBind(ByteBuf frames, int start, int length) {
        int body = start + Frames.HEADER_LENGTH;
        int portalEnd = CStrings.end(frames, body, start + length);
        int statementEnd = CStrings.end(frames, portalEnd + 1, start + length);
        String portalName = CStrings.get(frames, body, portalEnd);
        String statementName = CStrings.get(frames, portalEnd + 1, statementEnd);
        Statement s = prepared.statement(statementName);
        if (s == null) {
            // Not ours to judge: the main node answers "prepared statement does not exist".
            sendToMain(frames, start, length, Kind.BIND);
            return;
        }
        if (s.admin != null) {
            prepared.putPortal(new Portal(portalName, List.of(), s));
            queue.answer(empty(MessageType.BIND_COMPLETE));
            return;
        }
        List<Integer> ids = s.routedTo;
        if (!statementName.isEmpty()) {
            // A named statement is routed again at each Bind: the transaction may have changed since
            // its Parse (a read prepared before a write in the same transaction must now stay on the
            // primary), and a node it was not prepared on gets the Parse replayed first.
            RoutingDecision d = router().route(s.classification, routing, view());
            if (d.target() != RoutingDecision.Target.NO_NODE) {
                ids = ordered(d.nodeIds());
                routing = router().afterStatement(routing, s.classification, d);
            }
        }
        if (!lost.isEmpty()) {
            ids = ids.stream().filter(n -> !lost.contains(n)).toList();
        }
        if (ids.isEmpty()) {
            answerExtendedError(new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE,
                    "the node that prepared statement \"" + statementName + "\" is no longer available", null,
                    "prepare the statement again"));
            return;
        }
        List<NodeLink> targets = open(ids);
        for (NodeLink link : targets) {
            if (!s.nodes.get(link.nodeId())) {
                link.sendOwned(s.parse.retainedDuplicate());
                queue.expect(new ExpectedResponse(Kind.PARSE, link, Visibility.ERRORS, true));
                s.nodes.set(link.nodeId());
            }
        }
        send(targets, frames, start, length, Kind.BIND);
        prepared.putPortal(new Portal(portalName, ids, s));
    }

    private void onDescribe(ByteBuf frames, int start, int length) {
        String name = statementOrPortalName(frames, start, length, "Describe");
        byte what = frames.getByte(start + Frames.HEADER_LENGTH);
        NodeLink where;
        if (what == 'S') {
            Statement s = prepared.statement(name);
            if (s != null && s.admin != null) {
                queue.answer(describeAdmin(s.admin, true));
                return;
            }
            where = s == null ? null : nodeHolding(s);
        } else {
            Portal portal = prepared.portal(name);
            if (portal != null && portal.statement().admin != null) {
                queue.answer(describeAdmin(portal.statement().admin, false));
                return;
            }
            where = portal == null || portal.nodes().isEmpty() ? null : link(portal.nodes().get(0));
        }
        if (where == null) {
            sendToMain(frames, start, length, Kind.DESCRIBE);
            return;
        }
        where.send(frames, start, length);
        queue.expect(new ExpectedResponse(Kind.DESCRIBE, where, Visibility.ALL, true));
    }

    private void onExecute(ByteBuf frames, int start, int length) {
        int body = start + Frames.HEADER_LENGTH;
        String name = CStrings.get(frames, body, CStrings.end(frames, body, start + length));
        Portal p = prepared.portal(name);
        if (p == null) {
            sendToMain(frames, start, length, Kind.EXECUTE);
            return;
        }
        if (p.statement().admin != null) {
            ByteBuf answer = executeAdmin(p.statement().admin);
            if (answer != null) {
                queue.answer(answer);
            }
            return;
        }
        List<NodeLink> targets = new ArrayList<>(p.nodes().size());
        for (Integer n : p.nodes()) {
            NodeLink link = link(n);
            if (link != null) {
                targets.add(link);
            }
        }
        if (targets.isEmpty()) {
            answerExtendedError(new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE,
                    "the node of portal \"" + name + "\" is no longer available", null, "run the statement again"));
            return;
        }
        perNodeStatement(targets, p.statement().classification.text());
        send(targets, frames, start, length, Kind.EXECUTE);
        executed(p.statement().classification, targets);
    }

    private void onClose(ByteBuf frames, int start, int length) {
        String name = statementOrPortalName(frames, start, length, "Close");
        byte what = frames.getByte(start + Frames.HEADER_LENGTH);
        List<Integer> nodes;
        if (what == 'S') {
            Statement s = prepared.closeStatement(name);
            nodes = s == null || s.admin != null ? List.of() : ordered(s.nodes.stream().boxed().toList());
        } else {
            Portal p = prepared.closePortal(name);
            nodes = p == null ? List.of() : p.nodes();
        }
        List<NodeLink> targets = new ArrayList<>();
        for (Integer n : nodes) {
            NodeLink link = links.get(n);
            if (link != null && link.isOpen()) {
                targets.add(link);
            }
        }
        if (targets.isEmpty()) {
            queue.answer(empty(MessageType.CLOSE_COMPLETE));
            return;
        }
        send(targets, frames, start, length, Kind.CLOSE);
    }

    /**
     * The name in a Describe or Close frame, whose body is a kind byte ('S' statement, 'P' portal)
     * and the name, read in place.
     *
     * @throws PgException 08P01 when the kind byte or the name's terminator is missing
     */
    private static String statementOrPortalName(ByteBuf frames, int start, int length, String message) {
        int body = start + Frames.HEADER_LENGTH;
        if (length <= Frames.HEADER_LENGTH) {
            throw PgException.protocolViolation(message + " is truncated: no statement or portal byte");
        }
        return CStrings.get(frames, body + 1, CStrings.end(frames, body + 1, start + length));
    }

    /**
     * Sync: every node that received messages since its last Sync gets one; the client receives
     * one ReadyForQuery, the main node's when it took part (its transaction status is the
     * session's), written after every node has answered.
     */
    private void onSync(ByteBuf frames, int start, int length) {
        List<NodeLink> dirty = new ArrayList<>(2);
        for (NodeLink link : links) {
            if (link.isOpen() && link.sentSinceSync()) {
                dirty.add(link);
            }
        }
        if (dirty.isEmpty()) {
            ByteBuf z = client.alloc().buffer(ReadyForQuery.FRAME_LENGTH);
            ReadyForQuery.of(status).encode(z);
            queue.answer(z);
            return;
        }
        NodeLink deliverer = dirty.get(0);
        for (NodeLink link : dirty) {
            if (link.nodeId() == mainNode) {
                deliverer = link;
            }
        }
        for (NodeLink link : dirty) {
            if (link != deliverer) {
                link.sendOwned(Sync.frame());
                queue.expect(new ExpectedResponse(Kind.SYNC, link, Visibility.NONE, true));
            }
        }
        if (dirty.size() == 1) {
            deliverer.send(frames, start, length);
        } else {
            deliverer.sendOwned(Sync.frame());
        }
        queue.expect(new ExpectedResponse(Kind.SYNC, deliverer, Visibility.ALL, true));
    }

    private void onFlush() {
        for (NodeLink link : links) {
            if (link.isOpen() && !link.expected.isEmpty()) {
                ByteBuf flush = client.alloc().buffer(5);
                Frames.writeEmpty(flush, MessageType.FLUSH);
                link.sendOwned(flush);
            }
        }
    }

    // ================================================================== routing helpers

    private StatementClassification classify(String sql) {
        // classify() may run JSqlParser (about a millisecond, WITH queries seen for the first time);
        // the result is cached, so a repeated statement never pays it again.
        return services.classifier().classify(sql);
    }

    /** The cluster view, with the nodes this session lost marked unusable. */
    private ClusterView view() {
        ClusterView v = services.cluster().current();
        if (lost.isEmpty()) {
            return v;
        }
        List<NodeView> nodes = new ArrayList<>(v.nodes().size());
        for (NodeView n : v.nodes()) {
            nodes.add(lost.contains(n.id()) ? n.down() : n);
        }
        return new ClusterView(nodes);
    }

    /** The node whose answers the client sees comes first: the main node when present. */
    private List<Integer> ordered(List<Integer> ids) {
        if (ids.size() <= 1 || ids.get(0) == mainNode || !ids.contains(mainNode)) {
            return ids;
        }
        List<Integer> out = new ArrayList<>(ids.size());
        out.add(mainNode);
        for (Integer n : ids) {
            if (n != mainNode) {
                out.add(n);
            }
        }
        return out;
    }

    private void afterStatement(StatementClassification c, RoutingDecision d, List<NodeLink> targets) {
        routing = router().afterStatement(routing, c, d);
        lastTarget = targets.get(0);
    }

    /** A statement was sent for execution: its state is recorded for later nodes, and counted. */
    private void executed(StatementClassification c, List<NodeLink> targets) {
        stateLog.record(c);
        String command = c.command();
        if (command.equals("DISCARD ALL") || command.equals("DEALLOCATE ALL")) {
            // The client dropped every prepared statement; none may be replayed on another node later.
            prepared.forgetNamed();
        }
        for (NodeLink link : targets) {
            services.counters().sent(link.nodeId(), c);
        }
        lastTarget = targets.get(0);
    }

    /** Sends a client frame to every target: the first one's answer reaches the client, the others' are checked and dropped. */
    private void send(List<NodeLink> targets, ByteBuf frames, int start, int length, Kind kind) {
        for (int i = targets.size() - 1; i >= 0; i--) {
            NodeLink link = targets.get(i);
            link.send(frames, start, length);
            queue.expect(new ExpectedResponse(kind, link, i == 0 ? Visibility.ALL : Visibility.NONE, true));
        }
    }

    private void sendToMain(ByteBuf frames, int start, int length, Kind kind) {
        NodeLink main = links.get(mainNode);
        main.send(frames, start, length);
        queue.expect(new ExpectedResponse(kind, main, Visibility.ALL, true));
    }

    private List<NodeLink> open(List<Integer> ids) {
        if (ids.size() == 1) {
            return configuredLink(ids.get(0)).alone;
        }
        List<NodeLink> out = new ArrayList<>(ids.size());
        for (Integer n : ids) {
            out.add(configuredLink(n));
        }
        return out;
    }

    private NodeLink configuredLink(int n) {
        NodeLink link = link(n);
        if (link == null) {
            throw new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE, "node " + n + " is not configured",
                    null, "check backend_hostname" + n);
        }
        return link;
    }

    /** An open link to a node holding {@code s}, preferring where its Parse was routed; null when none. */
    private NodeLink nodeHolding(Statement s) {
        for (Integer n : s.routedTo) {
            NodeLink link = links.get(n);
            if (link != null && link.isOpen() && s.nodes.get(n)) {
                return link;
            }
        }
        for (int n = s.nodes.nextSetBit(0); n >= 0; n = s.nodes.nextSetBit(n + 1)) {
            NodeLink link = links.get(n);
            if (link != null && link.isOpen()) {
                return link;
            }
        }
        return null;
    }

    /**
     * The open link to node {@code id}, opening it when this is the session's first use of it:
     * connect on the client's loop, log in with the client's startup packet, then replay the
     * session's state before anything else this session sends there. Null when the node is not
     * configured or this session lost it.
     */
    private NodeLink link(int id) {
        NodeLink link = links.get(id);
        if (link != null && link.isOpen()) {
            return link;
        }
        if (lost.contains(id)) {
            return null;
        }
        Optional<BackendNode> node = services.cluster().node(id);
        if (node.isEmpty()) {
            return null;
        }
        Optional<io.tidepool.backend.BackendPool.Pooled> pooled = takePooled(services.pool(), client.eventLoop(), id,
                startup, connecting.login().sharesPasswordLogins());
        NodeLink opened = pooled.isPresent() ? NodeLink.fromPool(pooled.get(), this)
                : NodeLink.opening(node.get(), this, connecting.login());
        links.put(id, opened);
        for (String sql : stateLog.replay()) {
            ByteBuf q = client.alloc().buffer();
            new Query(sql).encode(q);
            opened.sendOwned(q);
            queue.expect(new ExpectedResponse(Kind.QUERY, opened, Visibility.NONE, false));
        }
        if (pooled.isPresent()) {
            linksChanged();
            routing = routing.usingNodes(List.of(id));
            return opened;
        }
        connecting.connector().connectTo(client.eventLoop(), client.alloc(), node.get(), connecting.connectTimeout(),
                connecting.limits(), opened).addListener(done -> {
                    if (done.isSuccess()) {
                        @SuppressWarnings("unchecked")
                        BackendConnection c = ((io.netty.util.concurrent.Future<BackendConnection>) done).getNow();
                        if (closed || !opened.isOpen()) {
                            // The session ended while this node was connecting (the startup packet is gone with it).
                            c.channel().close();
                            return;
                        }
                        opened.connected(c, connecting.startupPacket().retainedDuplicate());
                    } else {
                        opened.fail(PgException.from(done.cause()));
                    }
                });
        routing = routing.usingNodes(List.of(id));
        return opened;
    }

    // ================================================================== backend messages

    @Override
    public void onLinkMessage(NodeLink link, byte type, ByteBuf frames, int start, int length) {
        if (type == MessageType.ERROR_RESPONSE) {
            ErrorResponse error = ErrorResponse.decode(Frames.body(frames, start, length));
            services.counters().error(link.nodeId(), error.severity());
            if ("FATAL".equals(error.severity()) || "PANIC".equals(error.severity())) {
                // Kept to tell the cluster owner why the link closes (a shutdown, or a FATAL that says
                // nothing about the node's health, such as an idle-session timeout).
                link.lastWords = error;
                if (link.nodeId() != mainNode) {
                    // A standby ending its connection (pg_terminate_backend, shutdown) ends only that link:
                    // the client must not see a FATAL, which tells it the whole session is over. The
                    // requests the node owed get an ERROR with the same cause when the link closes.
                    return;
                }
            }
        }
        ExpectedResponse completed = queue.onBackendMessage(link, type, frames, start, length, link.nodeId() == mainNode);
        if (completed != null && type == MessageType.READY_FOR_QUERY && completed.visibility == Visibility.ALL) {
            onReadyForQuery(link.status());
        }
    }

    private void onReadyForQuery(TransactionStatus newStatus) {
        status = newStatus;
        routing = routing.onReadyForQuery(io.tidepool.routing.TransactionStatus.fromCode((char) newStatus.code()));
        if (newStatus == TransactionStatus.IDLE && queue.idle() && stateLog.inTransaction()) {
            // The transaction ended without a COMMIT the log saw (failed, or rolled back by the server).
            stateLog.transactionEnded(false);
        }
    }

    @Override
    public void onLinkBatchEnd(NodeLink link) {
        queue.endBatch();
        noteExecuting();
    }

    @Override
    public void onLinkReadComplete(NodeLink link) {
        host.touched();
        queue.flush();
    }

    @Override
    public void onLinkWritabilityChanged(NodeLink link, boolean writable) {
        if (!closed) {
            client.config().setAutoRead(writable);
        }
    }

    @Override
    public void onLinkReady(NodeLink link) {
        linksChanged();
    }

    @Override
    public void onLinkFailed(NodeLink link, PgException error) {
        if (closed) {
            return;
        }
        if (link.lastWords != null) {
            ErrorResponse lastWords = link.lastWords;
            BackendFailure.fromLastWords(lastWords.code()).ifPresent(failure -> host.backendLost(
                    link.node(), failure, "ended the session with " + lastWords.code() + ": " + lastWords.message()));
        } else if (error.sqlState() == SqlState.CONNECTION_FAILURE) {
            host.backendLost(link.node(), BackendFailure.CONNECTION_ERROR, error.getMessage());
        }
        if (link.nodeId() == mainNode) {
            host.fatal(new PgException(Severity.FATAL, SqlState.CONNECTION_FAILURE, error.getMessage(), null,
                    "the session cannot continue without its primary; reconnect"));
            return;
        }
        if (link.lastWords != null) {
            SqlState state = "57P01".equals(link.lastWords.code()) ? SqlState.ADMIN_SHUTDOWN : SqlState.CONNECTION_FAILURE;
            error = new PgException(Severity.ERROR, state, link.node().describe() + " ended the connection: "
                    + link.lastWords.message(), null, null);
        }
        lost.add(link.nodeId());
        links.remove(link.nodeId());
        prepared.nodeLost(link.nodeId());
        if (lastTarget == link) {
            lastTarget = null;
        }
        link.unsent().ifPresent(unsent -> rescue(link, unsent));
        queue.nodeLost(link, new PgException(Severity.ERROR, error.sqlState(), error.getMessage(),
                null, "the session continues on the other nodes; run the statement again"), status);
        queue.flush();
        noteExecuting();
        linksChanged();
    }

    /**
     * A node that failed before its login completed (refused, unreachable, not accepting
     * connections) never saw the requests this session queued for it: they go to another node
     * instead, in the same place of the response order, so that a standby that is down but not yet
     * detected by the health check costs no statement an error. The other node is a new
     * load-balance choice without the lost node (another standby by weight, else the primary).
     *
     * <p>Each queued frame is paired with its expected response ({@link NodeLink#expected}; Flush
     * and COPY frames have none). Dropped: the state replay made at opening (a fresh node replays it
     * itself, an open one has it), duplicates whose answer the client does not see (the target has
     * or replays them), and replayed Parses the target already holds. The rest moves with its entry.
     *
     * @param unsent the failed link's frames (borrowed)
     */
    private void rescue(NodeLink failed, ByteBuf unsent) {
        boolean needed = false;
        for (ExpectedResponse e : failed.expected) {
            needed |= e.ordered && e.visibility != Visibility.NONE;
        }
        if (!needed) {
            return; // nothing the client waits for: the lost node's duplicates are simply dropped
        }
        ClusterView v = view();
        Router.Choice choice = router().chooseLoadBalanceNode(routing, v);
        int target = choice.node() >= 0 ? choice.node() : v.primaryId();
        if (target < 0 || lost.contains(target)) {
            return;
        }
        NodeLink to = link(target);
        if (to == null) {
            return;
        }
        if (routing.loadBalanceNode() == failed.nodeId()) {
            routing = routing.withLoadBalanceNode(target, "node " + failed.nodeId() + " could not be reached; "
                    + choice.rule());
        }
        log.info("{} could not be reached; this session's requests for it go to {}", failed.node().describe(),
                to.node().describe());
        int at = unsent.readerIndex();
        int end = unsent.writerIndex();
        while (at + 5 <= end) {
            byte type = unsent.getByte(at);
            int length = 1 + unsent.getInt(at + 1);
            if (type == MessageType.FLUSH || type == MessageType.COPY_DATA || type == MessageType.COPY_DONE
                    || type == MessageType.COPY_FAIL) {
                to.send(unsent, at, length);
            } else {
                ExpectedResponse e = failed.expected.pollFirst();
                if (e == null) {
                    break; // cannot happen: every other frame has its entry
                }
                if (keepsOnRescue(e, type, unsent, at, length, to)) {
                    moveRequest(failed, to, e, type, unsent, at, length);
                } else {
                    e.done = true;
                }
            }
            at += length;
        }
        // Written now: the frames are slices of the failed link's buffer, released when this returns,
        // and no client read is under way to flush them.
        to.endBatch();
        to.flush();
        if (lastTarget == null) {
            lastTarget = to;
        }
    }

    /** Whether a request queued for a lost node must still run (see {@link #rescue}). */
    private boolean keepsOnRescue(ExpectedResponse e, byte type, ByteBuf frames, int at, int length, NodeLink to) {
        if (!e.ordered) {
            return false; // the state replay made when the node was opened
        }
        if (e.visibility == Visibility.NONE) {
            return e.kind == Kind.SYNC; // a Sync of its own ends what moves with it
        }
        if (e.visibility == Visibility.ERRORS && type == MessageType.PARSE) {
            String name = CStrings.read(Frames.body(frames, at, length));
            Statement s = prepared.statement(name);
            return s == null || !s.nodes.get(to.nodeId());
        }
        return true;
    }

    /** Sends one request to {@code to} in place of {@code failed}, keeping its place in the client's order. */
    private void moveRequest(NodeLink failed, NodeLink to, ExpectedResponse e, byte type, ByteBuf frames, int at,
                             int length) {
        to.send(frames, at, length);
        e.node = to;
        to.expected.addLast(e);
        ByteBuf body = Frames.body(frames, at, length);
        switch (type) {
            case MessageType.PARSE -> {
                Statement s = prepared.statement(CStrings.read(body));
                if (s != null) {
                    s.nodes.set(to.nodeId());
                    s.routedTo = s.routedTo.stream().map(n -> n == failed.nodeId() ? to.nodeId() : n).distinct().toList();
                }
            }
            case MessageType.BIND -> {
                Portal p = prepared.portal(CStrings.read(body));
                if (p != null) {
                    prepared.putPortal(new Portal(p.name(),
                            p.nodes().stream().map(n -> n == failed.nodeId() ? to.nodeId() : n).distinct().toList(),
                            p.statement()));
                }
            }
            case MessageType.EXECUTE -> {
                Portal p = prepared.portal(CStrings.read(body));
                if (p != null && p.statement().classification != null) {
                    services.counters().moved(failed.nodeId(), to.nodeId(), p.statement().classification);
                }
            }
            case MessageType.QUERY -> services.counters().moved(failed.nodeId(), to.nodeId(),
                    classify(Query.decode(body).sql()));
            default -> {
            }
        }
    }

    private void linksChanged() {
        List<CancelRegistry.CancelTarget> targets = new ArrayList<>();
        Map<Integer, Integer> pids = new HashMap<>();
        for (NodeLink link : links) {
            if (link.isOpen() && link.backendKey() != null) {
                targets.add(new CancelRegistry.CancelTarget(link.node(), link.backendKey()));
                pids.put(link.nodeId(), link.backendKey().processId());
            }
        }
        backendPids = pids;
        host.cancelTargetsChanged(List.copyOf(targets));
    }

    // ================================================================== admin answers

    private TextResultSet runAdmin(AdminCommand command) {
        return switch (command.verb()) {
            case SHOW_POOL -> services.admin().show(command.argument(), routing.loadBalanceNode());
            case PGPOOL_SHOW -> services.admin().pgpoolShow(command.argument(), pgpool.view());
            case PGPOOL_SET -> {
                pgpool.set(command.argument(), command.value());
                pgpoolSettingsChanged();
                yield TextResultSet.command("SET");
            }
            case PGPOOL_RESET -> {
                if (command.argument().equals("all")) {
                    pgpool.resetAll();
                    pgpoolSettingsChanged();
                    yield TextResultSet.command("RESET");
                }
                pgpool.reset(command.argument());
                pgpoolSettingsChanged();
                yield TextResultSet.command("SET");
            }
            case EXPLAIN_ROUTING -> {
                StatementClassification c = classify(command.argument());
                ClusterView v = view();
                RoutingExplainer.Result r = RoutingExplainer.explain(c, router().route(c, routing, v), v);
                yield TextResultSet.of(r.columns(), r.rows());
            }
        };
    }

    private void pgpoolSettingsChanged() {
        sessionRouter = null;
        host.clientIdleLimitChanged();
    }

    /** The server's router, or one with this session's PGPOOL SET routing values. */
    private Router router() {
        Router server = services.router();
        if (!pgpool.changesRouting()) {
            return server;
        }
        if (sessionRouter == null || sessionRouterBase != server) {
            sessionRouterBase = server;
            sessionRouter = server.withSettings(pgpool.routing(server.settings()));
        }
        return sessionRouter;
    }

    /** log_statement for this session: the server's value unless PGPOOL SET changed it. */
    public boolean logStatement(boolean server) {
        return pgpool.isEmpty() ? server : pgpool.logStatement(server);
    }

    /** log_client_messages for this session. */
    public boolean logClientMessages(boolean server) {
        return pgpool.isEmpty() ? server : pgpool.logClientMessages(server);
    }

    /** client_idle_limit for this session. */
    public Duration clientIdleLimit(Duration server) {
        return pgpool.clientIdleLimit(server);
    }

    /**
     * log_per_node_statement and notice_per_node_statement: which node runs {@code sql}. The
     * notice is queued in request order, so it reaches the client just before the statement's answer.
     */
    private void perNodeStatement(List<NodeLink> targets, String sql) {
        if (pgpool.logPerNodeStatement()) {
            for (NodeLink link : targets) {
                BackendKeyData key = link.backendKey();
                log.info("DB node id: {} backend pid: {} statement: {}", link.nodeId(), key == null ? 0 : key.processId(), sql);
            }
        }
        if (pgpool.noticePerNodeStatement()) {
            for (NodeLink link : targets) {
                Map<Character, String> fields = new java.util.LinkedHashMap<>();
                fields.put(io.tidepool.protocol.backend.ErrorFields.SEVERITY, "NOTICE");
                fields.put(io.tidepool.protocol.backend.ErrorFields.SEVERITY_NON_LOCALIZED, "NOTICE");
                fields.put(io.tidepool.protocol.backend.ErrorFields.CODE, "00000");
                fields.put(io.tidepool.protocol.backend.ErrorFields.MESSAGE, "DB node id: " + link.nodeId() + " statement: " + sql);
                ByteBuf notice = client.alloc().buffer();
                new io.tidepool.protocol.backend.NoticeResponse(new io.tidepool.protocol.backend.ErrorFields(fields)).encode(notice);
                queue.answer(notice);
            }
        }
    }

    private void answerSimple(AdminCommand command) {
        ByteBuf out = client.alloc().buffer();
        try {
            runAdmin(command).encode(out);
        } catch (PgException e) {
            out.clear();
            ErrorResponse.of(e).encode(out);
        }
        ReadyForQuery.of(status).encode(out);
        queue.answer(out);
    }

    private ByteBuf describeAdmin(AdminCommand command, boolean statement) {
        ByteBuf out = client.alloc().buffer();
        if (statement) {
            int at = Frames.begin(out, MessageType.PARAMETER_DESCRIPTION);
            out.writeShort(0);
            Frames.end(out, at);
        }
        boolean hasRows = command.verb() == AdminCommand.Verb.SHOW_POOL || command.verb() == AdminCommand.Verb.PGPOOL_SHOW
                || command.verb() == AdminCommand.Verb.EXPLAIN_ROUTING;
        if (hasRows) {
            try {
                runAdmin(command).encodeRowDescription(out);
            } catch (PgException e) {
                Frames.writeEmpty(out, MessageType.NO_DATA);
            }
        } else {
            Frames.writeEmpty(out, MessageType.NO_DATA);
        }
        return out;
    }

    private ByteBuf executeAdmin(AdminCommand command) {
        ByteBuf out = client.alloc().buffer();
        try {
            runAdmin(command).encodeRowsAndCompletion(out);
        } catch (PgException e) {
            out.clear();
            ErrorResponse.of(e).encode(out);
            ExpectedResponse failed = ExpectedResponse.synthetic(out);
            failed.failed = true;
            queueFailed(failed);
            return null;
        }
        return out;
    }

    private void answerExtendedError(PgException error) {
        ExpectedResponse failed = ExpectedResponse.synthetic(ErrorResponse.of(error).encode(client.alloc()));
        failed.failed = true;
        queueFailed(failed);
    }

    private void queueFailed(ExpectedResponse failed) {
        queue.expect(failed);
        queue.advance();
    }

    private ByteBuf errorAndReady(PgException error) {
        ByteBuf out = ErrorResponse.of(error).encode(client.alloc());
        ReadyForQuery.of(status).encode(out);
        return out;
    }

    private ByteBuf empty(byte type) {
        ByteBuf out = client.alloc().buffer(5);
        Frames.writeEmpty(out, type);
        return out;
    }

    private static PgException noNode(RoutingDecision d) {
        return new PgException(Severity.ERROR, SqlState.CONNECTION_FAILURE, "no backend node can run this statement: "
                + d.rule(), null, "retry after failover completes or run 'pcp_promote_node'");
    }

    // ================================================================== ending, views

    /**
     * Ends every link and drops what is held. Idempotent. With {@code reuse} (the client said
     * goodbye with Terminate), every link that is idle and was logged in by trust goes back to the
     * pool after reset_query_list; the others end politely when {@code goodbye}.
     */
    public void close(boolean goodbye, boolean reuse) {
        if (closed) {
            return;
        }
        closed = true;
        io.tidepool.backend.BackendPool pool = services.pool();
        boolean passwordLogins = connecting.login().sharesPasswordLogins();
        for (NodeLink link : links) {
            if (reuse && pool.enabled() && link.reusable(passwordLogins) && pool.accepts(link.nodeId(), link.uses())) {
                pool.reset(client.eventLoop(), poolKey(link.nodeId(), startup, link.passwordLogin()), link.toPooled());
            } else {
                link.close(goodbye);
            }
        }
        links.clear();
        queue.clear();
        prepared.clear();
        connecting.startupPacket().release();
        services.ended(this);
    }

    /** Whether every request was answered (client_idle_limit counts only such time). */
    public boolean waitingForClient() {
        return queue.idle();
    }

    /** The session as SHOW pool_processes sees it; safe from any thread. */
    public SessionInfo info() {
        return SessionInfo.of(id, started, client.remoteAddress(), database, user, executing, status, backendPids,
                routing.loadBalanceNode(), lastStatement);
    }
}
