package io.tidepool.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Tidepool's promotion and follow-primary without scripts (setting {@code builtin_failover}),
 * all over SQL with the administrative account:
 * <ul>
 *   <li>the best standby is the one that has received the most WAL ({@code pg_last_wal_receive_lsn()}
 *       asked at failover time: the least replication delay, measured when it matters), ties
 *       going to the lowest node id; a standby that was ahead of the new primary could not follow it;</li>
 *   <li>promotion is {@code pg_promote(true, n)}, which waits until the server accepts writes;</li>
 *   <li>following is {@code ALTER SYSTEM SET primary_conninfo} with the new primary's host and port
 *       (everything else of the standby's own conninfo kept) and {@code pg_reload_conf()}; since
 *       PostgreSQL 13 the WAL receiver restarts on reload, and {@code recovery_target_timeline =
 *       'latest'} (the default) makes it cross to the new timeline.</li>
 * </ul>
 */
final class BuiltinFailover {

    /** How long pg_promote() may wait for the end of recovery. */
    static final int PROMOTE_WAIT_SECONDS = 60;
    static final Duration SQL_TIMEOUT = Duration.ofSeconds(PROMOTE_WAIT_SECONDS + 10);

    private final NodeSql sql;

    BuiltinFailover(NodeSql sql) {
        this.sql = sql;
    }

    /** The standby with the most WAL received; empty when none answers. Asks all candidates at once. */
    Optional<NodeSnapshot> bestStandby(List<NodeSnapshot> candidates, Executor executor) {
        record Position(NodeSnapshot node, long lsn) {
        }
        List<CompletableFuture<Optional<Position>>> asked = candidates.stream()
                .map(n -> CompletableFuture.supplyAsync(() -> receivedLsn(n).stream()
                        .mapToObj(l -> new Position(n, l)).findFirst(), executor)
                        .completeOnTimeout(Optional.empty(), 15, TimeUnit.SECONDS)
                        .exceptionally(e -> Optional.empty()))
                .toList();
        return asked.stream()
                .map(CompletableFuture::join)
                .flatMap(Optional::stream)
                .max(Comparator.<Position>comparingLong(p -> p.lsn()).thenComparing(p -> -p.node().id(),
                        Comparator.naturalOrder()))
                .map(Position::node);
    }

    private OptionalLong receivedLsn(NodeSnapshot node) {
        try (Connection c = sql.connect(node, NodeSql.Account.ADMIN, Duration.ofSeconds(10));
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select pg_is_in_recovery(),"
                     + " coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text")) {
            r.next();
            return r.getBoolean(1) ? Lsn.parse(r.getString(2)) : OptionalLong.empty();
        } catch (SQLException e) {
            return OptionalLong.empty();
        }
    }

    /** pg_promote(); throws with the server's message when it refuses or times out. */
    void promote(NodeSnapshot node) throws SQLException {
        try (Connection c = sql.connect(node, NodeSql.Account.ADMIN, SQL_TIMEOUT);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select pg_promote(true, " + PROMOTE_WAIT_SECONDS + ")")) {
            r.next();
            if (!r.getBoolean(1)) {
                throw new SQLException("pg_promote() did not finish within " + PROMOTE_WAIT_SECONDS + " s");
            }
        }
    }

    /** Points a standby's WAL receiver at {@code primary}; returns the new conninfo (password left out). */
    String follow(NodeSnapshot standby, NodeSnapshot primary) throws SQLException {
        try (Connection c = sql.connect(standby, NodeSql.Account.ADMIN, Duration.ofSeconds(30));
             Statement s = c.createStatement()) {
            String current;
            try (ResultSet r = s.executeQuery("select current_setting('primary_conninfo')")) {
                r.next();
                current = r.getString(1) == null ? "" : r.getString(1);
            }
            Map<String, String> conninfo = ConnInfo.parse(current);
            conninfo.put("host", primary.hostname());
            conninfo.put("port", Integer.toString(primary.port()));
            conninfo.remove("hostaddr");
            String text = ConnInfo.format(conninfo);
            // ALTER SYSTEM takes no parameters; the value is a quoted literal.
            s.execute("alter system set primary_conninfo = " + literal(text));
            s.execute("select pg_reload_conf()");
            conninfo.remove("password");
            return ConnInfo.format(conninfo);
        }
    }

    /** Whether the standby's WAL receiver streams from {@code primary}. */
    boolean isStreamingFrom(NodeSnapshot standby, NodeSnapshot primary) {
        try (Connection c = sql.connect(standby, NodeSql.Account.ADMIN, Duration.ofSeconds(10));
             PreparedStatement s = c.prepareStatement(
                     "select status, sender_port from pg_stat_wal_receiver");
             ResultSet r = s.executeQuery()) {
            return r.next() && "streaming".equals(r.getString(1)) && r.getInt(2) == primary.port();
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Switchover, first half: the old primary stops taking writes (new transactions read-only, client
     * sessions ended) and its last WAL position is returned, which the new primary must have
     * replayed before it is promoted, so no committed transaction is lost.
     */
    long makeReadOnly(NodeSnapshot primary) throws SQLException {
        try (Connection c = sql.connect(primary, NodeSql.Account.ADMIN, Duration.ofSeconds(30));
             Statement s = c.createStatement()) {
            s.execute("alter system set default_transaction_read_only = on");
            s.execute("select pg_reload_conf()");
            s.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                    + " where backend_type = 'client backend' and pid <> pg_backend_pid()");
            try (ResultSet r = s.executeQuery("select pg_current_wal_lsn()::text")) {
                r.next();
                return Lsn.parse(r.getString(1)).orElse(0);
            }
        }
    }

    /** Waits until a standby has replayed up to {@code lsn}. */
    boolean awaitReplay(NodeSnapshot standby, long lsn, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = sql.connect(standby, NodeSql.Account.ADMIN, Duration.ofSeconds(10));
                 Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("select pg_last_wal_replay_lsn()::text")) {
                r.next();
                OptionalLong replayed = Lsn.parse(r.getString(1));
                if (replayed.isPresent() && Long.compareUnsigned(replayed.getAsLong(), lsn) >= 0) {
                    return true;
                }
            } catch (SQLException e) {
                // Try again until the deadline.
            }
            Thread.sleep(100);
        }
        return false;
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
