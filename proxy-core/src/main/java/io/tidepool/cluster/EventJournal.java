package io.tidepool.cluster;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;

/**
 * The bounded in-memory history of cluster events: the newest {@code capacity} events, oldest
 * dropped first. Written only by the cluster's thread; read from anywhere (PCP, the admin API,
 * the console), hence the small lock around the deque.
 */
public final class EventJournal {

    public static final int DEFAULT_CAPACITY = 1000;

    private final int capacity;
    private final Clock clock;
    private final Deque<ClusterEvent> events = new ArrayDeque<>();
    private long nextSequence = 1;

    public EventJournal(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("journal capacity " + capacity + " must be at least 1");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Records an event now and returns it with its sequence number. */
    public synchronized ClusterEvent record(ClusterEvent.Kind kind, OptionalInt nodeId, String message, String detail) {
        ClusterEvent event = new ClusterEvent(nextSequence++, clock.instant(), kind, nodeId, message, detail);
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
        return event;
    }

    /** Every kept event, oldest first. */
    public synchronized List<ClusterEvent> events() {
        return List.copyOf(events);
    }

    /** Kept events with a sequence number above {@code sequence}, oldest first (for polling readers). */
    public synchronized List<ClusterEvent> eventsAfter(long sequence) {
        List<ClusterEvent> newer = new ArrayList<>();
        for (ClusterEvent event : events) {
            if (event.sequence() > sequence) {
                newer.add(event);
            }
        }
        return newer;
    }

    public int capacity() {
        return capacity;
    }
}
