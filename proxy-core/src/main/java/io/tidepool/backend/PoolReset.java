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

import java.util.List;

/**
 * Runs {@code reset_query_list} (default {@code ABORT; DISCARD ALL}) on a connection its session
 * is done with, then parks it in the {@link BackendPool}: the next owner finds no prepared
 * statement, setting, temporary table or open transaction of the previous one (DESIGN hard
 * part 3). Any error, or a transaction still open afterwards, closes the connection instead.
 * ABORT outside a transaction only warns, which is fine.
 */
public final class PoolReset implements BackendConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(PoolReset.class);

    private final BackendPool pool;
    private final EventLoop loop;
    private final BackendPool.Key key;
    private final BackendPool.Pooled pooled;
    private int outstanding;
    private boolean failed;

    private PoolReset(BackendPool pool, EventLoop loop, BackendPool.Key key, BackendPool.Pooled pooled, int outstanding) {
        this.pool = pool;
        this.loop = loop;
        this.key = key;
        this.pooled = pooled;
        this.outstanding = outstanding;
    }

    /** Starts the reset (ownership of {@code pooled} taken). Call on the connection's loop. */
    public static void start(BackendPool pool, EventLoop loop, BackendPool.Key key, BackendPool.Pooled pooled) {
        List<String> queries = pool.settings().resetQueries();
        if (queries.isEmpty()) {
            pool.park(loop, key, pooled);
            return;
        }
        Channel channel = pooled.connection.channel();
        pooled.connection.rebind(new PoolReset(pool, loop, key, pooled, queries.size()));
        for (String sql : queries) {
            ByteBuf q = channel.alloc().buffer();
            new Query(sql).encode(q);
            channel.write(q, channel.voidPromise());
        }
        channel.flush();
    }

    @Override
    public void onBackendMessage(BackendConnection backend, byte type, ByteBuf frames, int start, int length) {
        if (type == MessageType.ERROR_RESPONSE) {
            failed = true;
        } else if (type == MessageType.READY_FOR_QUERY && --outstanding == 0) {
            if (failed || ReadyForQuery.statusAt(frames, start) != TransactionStatus.IDLE) {
                log.debug("reset_query_list failed on {}; the connection is closed, not pooled", backend.node().describe());
                pooled.connection.rebind(this);
                pooled.parameterStatus.release();
                backend.channel().close();
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
        if (outstanding > 0) {
            outstanding = 0;
            pooled.parameterStatus.release();
        }
    }
}
