package io.tidepool.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tidepool.protocol.backend.BackendKeyData;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backend connections kept open between client sessions ({@code connection_cache}), keyed by
 * node, user, database and startup parameters, so a client that comes back finds its login done.
 *
 * <p><b>One pool per event loop.</b> A connection is registered on one loop and a session only
 * uses connections of its own loop (DESIGN: no forwarding across threads); each loop's part is
 * touched only by that loop, so nothing here locks except the per-node idle count.
 *
 * <p><b>pgpool-II's per-process parameters, mapped</b> (pgpool-II caches connections inside each
 * of its {@code num_init_children} processes; Tidepool has no such processes):
 * <ul>
 *   <li>{@code max_pool}: at most {@code num_init_children × max_pool} idle connections per node,
 *       as many as pgpool-II's children could hold together;</li>
 *   <li>{@code connection_life_time}: an idle connection older than this is closed;</li>
 *   <li>{@code child_life_time}: a pgpool child idle this long exits with its connections, so an
 *       idle pooled connection is closed after it too (the shorter of the two wins);</li>
 *   <li>{@code child_max_connections}: a child is replaced after serving that many clients, so a
 *       pooled connection is closed after that many sessions used it;</li>
 *   <li>{@code reset_query_list}: run by {@link PoolReset} before a connection is parked, so
 *       nothing of the previous owner (prepared statements, SETs, temporary tables) leaks.</li>
 * </ul>
 *
 * <p>Who may take what: a connection the node let in without a password (trust) may serve any
 * client with the same key. One it let in only after a password goes only to a client the proxy
 * admitted itself (pool_hba.conf, or the mirrored method when it is off) and logs in to the nodes
 * with the same user's pool_passwd secret: such a client could open that very connection anyway.
 * The key tells the two apart ({@link Key#passwordLogin}), so a client the proxy has not checked,
 * for example one that arrives after a reload turned pool_hba off, never gets a password login.
 * A login the client's relayed password opened is not pooled at all.
 */
public final class BackendPool {

    /**
     * What a pooled connection was opened for; a session reuses only an exact match.
     *
     * @param passwordLogin the node asked for a password and the proxy answered it from pool_passwd
     */
    public record Key(int node, String user, String database, Map<String, String> parameters, boolean passwordLogin) {
        public Key {
            parameters = Map.copyOf(parameters);
        }
    }

    /**
     * @param enabled        connection_cache
     * @param maxIdlePerNode num_init_children × max_pool
     * @param idleLifetime   the shorter of connection_life_time and child_life_time (zero: unlimited)
     * @param maxUses        child_max_connections (0: unlimited)
     * @param resetQueries   reset_query_list
     */
    public record Settings(boolean enabled, int maxIdlePerNode, Duration idleLifetime, int maxUses,
                           List<String> resetQueries) {
        public Settings {
            resetQueries = List.copyOf(resetQueries);
        }

        public static final Settings DISABLED = new Settings(false, 0, Duration.ZERO, 0, List.of());
    }

    /**
     * An idle connection and what a new owner needs to greet its client: the server's
     * ParameterStatus messages and its cancel key; also whether the node let it in only after a
     * password ({@link Key#passwordLogin}), which stays so for every later owner. Ownership:
     * {@link #parameterStatus} belongs to whoever holds this object: the session's link while in
     * use, {@link PoolReset} during the reset, the pool while parked. The pool releases it when
     * the connection leaves it other than by {@link #take} (closed by the server, evicted, or
     * {@link #close} at shutdown); a taker releases it itself.
     */
    public static final class Pooled {
        public final BackendConnection connection;
        public final BackendKeyData key;
        public final ByteBuf parameterStatus;
        public final int uses;
        public final boolean passwordLogin;
        private ScheduledFuture<?> expiry;

        public Pooled(BackendConnection connection, BackendKeyData key, ByteBuf parameterStatus, int uses,
                      boolean passwordLogin) {
            this.connection = connection;
            this.key = key;
            this.parameterStatus = parameterStatus;
            this.uses = uses;
            this.passwordLogin = passwordLogin;
        }

        void discard() {
            parameterStatus.release();
            connection.channel().close();
        }
    }

    /**
     * A connection waiting in the pool, as SHOW pool_pools lists it.
     *
     * @param uses     sessions it has served
     * @param opened   when it was started
     * @param parkedAt when its last session let it go
     */
    public record IdleConnection(int node, String user, String database, int backendPid, int uses, Instant opened,
                                 Instant parkedAt) {
    }

    private final Settings settings;
    private final Map<EventLoop, LoopPart> parts = new ConcurrentHashMap<>();
    /** What is parked, for other threads to read (the parked queues are loop-confined). */
    private final Map<Pooled, IdleConnection> idleView = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> idlePerNode = new ConcurrentHashMap<>();
    /** Set by {@link #close}: nothing is parked or reset any more. */
    private volatile boolean closed;

    /** One loop's share of the pool, touched only on that loop. */
    private static final class LoopPart {
        final Map<Key, ArrayDeque<Pooled>> parked = new HashMap<>();
        /** Connections whose reset_query_list is running: the pool ends them if it closes first. */
        final Set<PoolReset> resetting = new HashSet<>();
    }

    public BackendPool(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** An idle connection for {@code key} on {@code loop}, if one is parked. Call on {@code loop}. */
    public Optional<Pooled> take(EventLoop loop, Key key) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        LoopPart part = parts.get(loop);
        ArrayDeque<Pooled> parked = part == null ? null : part.parked.get(key);
        while (parked != null && !parked.isEmpty()) {
            Pooled p = parked.pollLast();
            unparked(key, p);
            if (p.expiry != null) {
                p.expiry.cancel(false);
            }
            if (p.connection.channel().isActive()) {
                return Optional.of(p);
            }
            p.parameterStatus.release();
        }
        return Optional.empty();
    }

    /**
     * Whether a connection used {@code uses} times may be parked: the pool is on, under its
     * per-node bound, and the connection under child_max_connections.
     */
    public boolean accepts(int node, int uses) {
        return settings.enabled() && !closed && (settings.maxUses() <= 0 || uses < settings.maxUses())
                && idleCount(node).get() < settings.maxIdlePerNode();
    }

    /**
     * Runs reset_query_list on a connection its session is done with, then parks it (ownership of
     * {@code p} taken). Call on {@code loop}, the connection's loop.
     */
    public void reset(EventLoop loop, Key key, Pooled p) {
        if (settings.resetQueries().isEmpty()) {
            park(loop, key, p);
            return;
        }
        PoolReset reset = new PoolReset(this, loop, key, p);
        part(loop).resetting.add(reset);
        if (closed) {
            // close() may have looked at this loop before the reset was registered: end it here.
            reset.abandon();
            return;
        }
        reset.start();
    }

    /** A reset that finished (parked, failed, or its connection closed) stops being tracked. Call on {@code loop}. */
    void resetEnded(EventLoop loop, PoolReset reset) {
        LoopPart part = parts.get(loop);
        if (part != null) {
            part.resetting.remove(reset);
        }
    }

    /** Parks a connection whose reset completed (ownership of {@code p} taken). Call on {@code loop}. */
    public void park(EventLoop loop, Key key, Pooled p) {
        if (!accepts(key.node(), p.uses) || !p.connection.channel().isActive()) {
            p.discard();
            return;
        }
        idleCount(key.node()).incrementAndGet();
        ArrayDeque<Pooled> parked = part(loop).parked.computeIfAbsent(key, k -> new ArrayDeque<>());
        parked.addLast(p);
        if (closed) {
            // close() may have looked at this loop before the connection was parked: take it out again.
            evict(loop, key, p);
            return;
        }
        p.connection.rebind(new IdleListener(loop, key, p));
        idleView.put(p, new IdleConnection(key.node(), key.user(), key.database(), p.key.processId(), p.uses,
                p.connection.opened(), Instant.now()));
        if (!settings.idleLifetime().isZero()) {
            p.expiry = loop.schedule(() -> evict(loop, key, p), settings.idleLifetime().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@code p} left its parked queue: it is no longer counted or listed as idle. */
    private void unparked(Key key, Pooled p) {
        idleView.remove(p);
        idleCount(key.node()).decrementAndGet();
    }

    private LoopPart part(EventLoop loop) {
        return parts.computeIfAbsent(loop, l -> new LoopPart());
    }

    private void evict(EventLoop loop, Key key, Pooled p) {
        LoopPart part = parts.get(loop);
        ArrayDeque<Pooled> parked = part == null ? null : part.parked.get(key);
        if (parked != null && parked.remove(p)) {
            unparked(key, p);
            p.discard();
        }
    }

    /**
     * Closes every parked connection, and every one whose reset is still running, and releases
     * their ParameterStatus copies, each on its own loop; a connection a session hands over later
     * is closed instead of reset or parked. The server calls this before it shuts its event loops
     * down: a loop that stops closes its channels without telling their handlers (channelInactive
     * does not come), so neither the {@link IdleListener} nor the {@link PoolReset} can be the only
     * way out of the pool. Safe from any thread; the future completes once every loop that ever
     * held a connection here has emptied its part (at once for a loop that already stopped: its
     * part is dropped with what it holds released here).
     */
    public CompletableFuture<Void> close() {
        closed = true;
        List<CompletableFuture<Void>> emptied = new ArrayList<>();
        for (Map.Entry<EventLoop, LoopPart> entry : parts.entrySet()) {
            EventLoop loop = entry.getKey();
            LoopPart part = entry.getValue();
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                loop.execute(() -> {
                    discardAll(part);
                    done.complete(null);
                });
            } catch (RejectedExecutionException stopped) {
                discardAll(part);
                done.complete(null);
            }
            emptied.add(done);
        }
        return CompletableFuture.allOf(emptied.toArray(CompletableFuture[]::new));
    }

    private void discardAll(LoopPart part) {
        for (Map.Entry<Key, ArrayDeque<Pooled>> entry : part.parked.entrySet()) {
            ArrayDeque<Pooled> parked = entry.getValue();
            for (Pooled p = parked.pollFirst(); p != null; p = parked.pollFirst()) {
                unparked(entry.getKey(), p);
                if (p.expiry != null) {
                    p.expiry.cancel(false);
                }
                p.discard();
            }
        }
        for (PoolReset reset : List.copyOf(part.resetting)) {
            reset.abandon();
        }
    }

    /** The connections waiting in the pool, by node and then oldest first. Safe from any thread. */
    public List<IdleConnection> idle() {
        List<IdleConnection> all = new ArrayList<>(idleView.values());
        all.sort(java.util.Comparator.comparingInt(IdleConnection::node).thenComparing(IdleConnection::opened));
        return all;
    }

    /** Idle connections of every loop, per node (for SHOW pool_pools and tests). Safe from any thread as a count. */
    public int idleConnections(int node) {
        return idleCount(node).get();
    }

    private AtomicInteger idleCount(int node) {
        return idlePerNode.computeIfAbsent(node, n -> new AtomicInteger());
    }

    /** An idle connection that the server closes, or that talks out of turn, leaves the pool. */
    private final class IdleListener implements BackendConnection.Listener {
        private final EventLoop loop;
        private final Key key;
        private final Pooled pooled;

        IdleListener(EventLoop loop, Key key, Pooled pooled) {
            this.loop = loop;
            this.key = key;
            this.pooled = pooled;
        }

        @Override
        public void onBackendMessage(BackendConnection backend, byte type, ByteBuf frames, int start, int length) {
            // ParameterStatus or a notice while idle (a server reload): harmless; an error means it is ending.
            if (type == io.tidepool.protocol.MessageType.ERROR_RESPONSE) {
                evict(loop, key, pooled);
            }
        }

        @Override
        public void onBackendBatchEnd(BackendConnection backend) {
        }

        @Override
        public void onBackendReadComplete(BackendConnection backend) {
        }

        @Override
        public void onBackendWritabilityChanged(BackendConnection backend, boolean writable) {
        }

        @Override
        public void onBackendProtocolFailure(BackendConnection backend, io.tidepool.protocol.PgException error) {
            evict(loop, key, pooled);
        }

        @Override
        public void onBackendClosed(BackendConnection backend) {
            evict(loop, key, pooled);
        }
    }
}
