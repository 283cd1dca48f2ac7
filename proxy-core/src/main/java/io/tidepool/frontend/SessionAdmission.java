package io.tidepool.frontend;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code num_init_children} as a limit on sessions served at once, not on processes: pgpool-II
 * forks that many children and leaves further clients in the kernel's accept backlog, where
 * they hang without a word. Here every client is accepted; past the limit it waits in a FIFO
 * queue of at most {@code listen_backlog_multiplier × num_init_children} and is served as soon
 * as a session ends. A client beyond the queue, or any client past
 * {@code num_init_children − reserved_connections} when {@code reserved_connections > 0}, gets
 * {@code 53300 sorry, too many clients already} at once.
 *
 * <p>The check runs when the StartupMessage arrives, after any SSLRequest has been answered,
 * so libpq prints the real message (pgpool-II sends the error in place of the SSL answer).
 *
 * <p>Thread-safe: sessions of every event loop share it. One small lock; waiters are called
 * outside it and must hop to their own event loop.
 */
public final class SessionAdmission {

    /** What happened to a client that asked to be served. */
    public enum Outcome { ADMITTED, QUEUED, REFUSED }

    /** A queued client; {@link #admitted} is called from whichever thread ended a session. */
    public interface Waiter {
        void admitted();
    }

    private final int limit;
    private final int queueLimit;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int served;
    /**
     * Holds in force: while any is, every new client waits, whatever the limits (online recovery's
     * second stage, spec 3.2, and pcp_detach_node / pcp_promote_node -g). Counted, so that one
     * ending does not release the other's.
     */
    private int holds;

    /**
     * @param limit      sessions served at once; {@code <= 0} means unlimited
     * @param queueLimit clients that may wait; 0 refuses at once
     */
    public SessionAdmission(int limit, int queueLimit) {
        this.limit = limit;
        this.queueLimit = Math.max(0, queueLimit);
    }

    /** No limit: raw-mode tests and embedded engines that configure none. */
    public static SessionAdmission unlimited() {
        return new SessionAdmission(0, 0);
    }

    /**
     * pgpool.conf's meaning: {@code num_init_children} served; with {@code reserved_connections > 0}
     * {@code num_init_children − reserved_connections} served and no queue; otherwise a queue of
     * {@code listen_backlog_multiplier × num_init_children}.
     */
    public static SessionAdmission fromPoolSettings(int numInitChildren, int reservedConnections, int backlogMultiplier) {
        if (reservedConnections > 0) {
            return new SessionAdmission(Math.max(1, numInitChildren - reservedConnections), 0);
        }
        return new SessionAdmission(numInitChildren, Math.max(1, backlogMultiplier) * numInitChildren);
    }

    public synchronized Outcome admit(Waiter waiter) {
        if (holds > 0) {
            // Past the queue limit too: a hold is short (recovery_timeout) and nobody is refused by it.
            waiting.addLast(waiter);
            return Outcome.QUEUED;
        }
        if (limit <= 0 || served < limit) {
            served++;
            return Outcome.ADMITTED;
        }
        if (waiting.size() < queueLimit) {
            waiting.addLast(waiter);
            return Outcome.QUEUED;
        }
        return Outcome.REFUSED;
    }

    /** A served session ended: its slot goes to the longest-waiting client, if any. */
    public void release() {
        Waiter next;
        synchronized (this) {
            next = holds > 0 ? null : waiting.pollFirst();
            if (next == null) {
                served = Math.max(0, served - 1);
                return;
            }
        }
        next.admitted();
    }

    /** A waiting client left; returns false when it was admitted meanwhile (it must then {@link #release}). */
    public synchronized boolean withdraw(Waiter waiter) {
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            if (it.next() == waiter) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /**
     * From now on every new client waits (served ones go on) until the matching {@link #resume()}:
     * what online recovery's second stage and a graceful detach need while they wait for the
     * served sessions to end. Holds nest; each needs its own resume.
     */
    public synchronized void hold() {
        holds++;
    }

    /**
     * Ends one {@link #hold()}; when it was the last, the clients that waited are served, as far
     * as the limit allows.
     */
    public void resume() {
        List<Waiter> admitted = new ArrayList<>();
        synchronized (this) {
            holds = Math.max(0, holds - 1);
            while (holds == 0 && !waiting.isEmpty() && (limit <= 0 || served < limit)) {
                admitted.add(waiting.pollFirst());
                served++;
            }
        }
        admitted.forEach(Waiter::admitted);
    }

    public synchronized boolean isHeld() {
        return holds > 0;
    }

    public synchronized int served() {
        return served;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public int limit() {
        return limit;
    }
}
