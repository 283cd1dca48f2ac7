package io.tidepool.console.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Derives timeline events from two successive snapshots. Clients whose peer publishes no event
 * stream (pgpool-II has none) observe changes this way; the resolution is the refresh interval.
 */
public final class SnapshotEvents {

    private SnapshotEvents() {
    }

    /**
     * Events for what changed from {@code before} to {@code after}. With no {@code before} (the
     * first snapshot of a connection) only standing disagreements are reported.
     */
    public static List<ClusterEvent> between(Optional<ClusterSnapshot> before, ClusterSnapshot after) {
        Instant at = after.takenAt();
        List<ClusterEvent> events = new ArrayList<>();
        for (PoolNode now : after.nodes()) {
            Optional<PoolNode> was = before.flatMap(b -> b.node(now.nodeId()));
            if (before.isPresent() && was.isEmpty()) {
                events.add(ClusterEvent.ofNode(at, ClusterEvent.Kind.NODE_ADDED, now.nodeId(),
                        "node " + now.nodeId() + " (" + now.address() + ") appeared", ""));
                continue;
            }
            was.ifPresent(w -> compare(w, now, at, events));
            List<String> disagreeNow = now.disagreements();
            List<String> disagreeBefore = was.map(PoolNode::disagreements).orElse(List.of());
            for (String d : disagreeNow) {
                if (!disagreeBefore.contains(d)) {
                    events.add(ClusterEvent.ofNode(at, ClusterEvent.Kind.STATE_DISAGREES, now.nodeId(),
                            "node " + now.nodeId() + ": " + d, "recorded and live state differ"));
                }
            }
        }
        return List.copyOf(events);
    }

    private static void compare(PoolNode was, PoolNode now, Instant at, List<ClusterEvent> events) {
        int id = now.nodeId();
        String name = "node " + id + " (" + now.address() + ")";
        if (was.status() != now.status()) {
            String detail = "recorded status " + was.status().text() + " -> " + now.status().text();
            if (!now.status().isServing()) {
                events.add(ClusterEvent.ofNode(at, ClusterEvent.Kind.NODE_DOWN, id, name + " is " + now.status().text(), detail));
            } else {
                events.add(ClusterEvent.ofNode(at, ClusterEvent.Kind.NODE_UP, id, name + " is " + now.status().text(), detail));
            }
        }
        if (was.role() != now.role()) {
            events.add(ClusterEvent.ofNode(at, ClusterEvent.Kind.ROLE_CHANGED, id,
                    name + " is now " + now.role().text(), "recorded role " + was.role().text() + " -> " + now.role().text()));
        }
        if (was.pgStatus() != now.pgStatus() && now.pgStatus() != LiveStatus.UNKNOWN) {
            String message = now.pgStatus() == LiveStatus.DOWN
                    ? name + " does not answer the health check"
                    : name + " answers the health check again";
            events.add(ClusterEvent.ofNode(at, ClusterEvent.Kind.HEALTH_CHECK, id, message,
                    "live status " + was.pgStatus().text() + " -> " + now.pgStatus().text()));
        }
    }
}
