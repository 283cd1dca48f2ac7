package io.tidepool.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.tidepool.protocol.MessageType;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.backend.ReadyForQuery;
import io.tidepool.protocol.backend.TransactionStatus;
import io.tidepool.protocol.frontend.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code reset_query_list} (default {@code ABORT; DISCARD ALL}) on a connection its session
 * is done with, then parks it in the {@link BackendPool}: the next owner finds no prepared
 * statement, setting, temporary table or open transaction of the previous one (DESIGN hard
 * part 3). Any error, or a transaction still open afterwards, closes the connection instead.
 * ABORT outside a transaction only warns, which is fine. The pool starts a reset ({@link
 * BackendPool#reset}) and tracks it until it ends, so that closing the pool ends a reset still
 * running too.
 */
final class PoolReset implements BackendConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(PoolReset.class);

    private final BackendPool pool;
    private final EventLoop loop;
    private final BackendPool.Key key;
    private final BackendPool.Pooled pooled;
    private int outstanding;
    private boolean failed;
    /** Parked, closed, or abandoned: the {@link BackendPool.Pooled} is no longer this reset's. */
    private boolean ended;

    PoolReset(BackendPool pool, EventLoop loop, BackendPool.Key key, BackendPool.Pooled pooled) {
        this.pool = pool;
        this.loop = loop;
        this.key = key;
        this.pooled = pooled;
        this.outstanding = pool.settings().resetQueries().size();
    }

    /** Sends every reset query in one write. Call on the connection's loop. */
    void start() {
        Channel channel = pooled.connection.channel();
        pooled.connection.rebind(this);
        for (String sql : pool.settings().resetQueries()) {
            ByteBuf q = channel.alloc().buffer();
            new Query(sql).encode(q);
            channel.write(q, channel.voidPromise());
        }
        channel.flush();
    }

    /** The pool closed while the reset ran: the connection is closed and its copy released. */
    void abandon() {
        if (!ended) {
            end();
            pooled.discard();
        }
    }

    private void end() {
        ended = true;
        pool.resetEnded(loop, this);
    }

    @Override
    public void onBackendMessage(BackendConnection backend, byte type, ByteBuf frames, int start, int length) {
        if (ended) {
            return;
        }
        if (type == MessageType.ERROR_RESPONSE) {
            failed = true;
        } else if (type == MessageType.READY_FOR_QUERY && --outstanding == 0) {
            end();
            if (failed || ReadyForQuery.statusAt(frames, start) != TransactionStatus.IDLE) {
                log.debug("reset_query_list failed on {}; the connection is closed, not pooled", backend.node().describe());
                pooled.discard();
            } else {
                pool.park(loop, key, pooled);
            }
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
    public void onBackendProtocolFailure(BackendConnection backend, PgException error) {
        failed = true;
    }

    @Override
    public void onBackendClosed(BackendConnection backend) {
        if (!ended) {
            end();
            pooled.parameterStatus.release();
        }
    }
}
