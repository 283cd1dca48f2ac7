package io.tidepool.ops.local;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Waits for streaming replication of a {@link LocalCluster} to reach a state: standbys steadily
 * {@code streaming} in the primary's {@code pg_stat_replication}, or standbys that have replayed
 * everything the primary wrote. A wait that times out fails with what it last saw and the tails
 * of the servers' logs.
 */
final class ReplicationWaiter {

    /** How long the same walsender must stay {@code streaming} before it counts. */
    private static final Duration STEADY = Duration.ofMillis(300);

    private ReplicationWaiter() {
    }

    /** Waits until each of {@code standbys} shows up as {@code streaming} in {@code primary}'s {@code pg_stat_replication}. */
    static void awaitStreaming(LocalNode primary, List<LocalNode> standbys, Duration timeout) {
        if (standbys.isEmpty()) {
            return;
        }
        Set<String> expected = standbys.stream().map(LocalNode::name).collect(Collectors.toSet());
        // A standby that cannot follow (wrong timeline) reconnects every second and is shown as
        // streaming for a moment each time: only the same walsender streaming for a while counts.
        Map<String, String> walsenderSeen = new HashMap<>();
        Map<String, Long> streamingSince = new HashMap<>();
        long steadyNanos = STEADY.toNanos();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<List<String>> seen = List.of();
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                seen = primary.query("select application_name, state, pid from pg_stat_replication");
                lastError = null;
                long now = System.nanoTime();
                Set<String> steady = new HashSet<>();
                for (List<String> row : seen) {
                    String name = row.get(0);
                    if (!"streaming".equals(row.get(1))) {
                        streamingSince.remove(name);
                        continue;
                    }
                    if (!row.get(2).equals(walsenderSeen.put(name, row.get(2)))) {
                        streamingSince.put(name, now);
                    }
                    if (now - streamingSince.getOrDefault(name, now) >= steadyNanos) {
                        steady.add(name);
                    }
                }
                if (steady.containsAll(expected)) {
                    return;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            pause(Duration.ofMillis(100));
        }
        StringBuilder message = new StringBuilder("standbys " + expected + " not streaming from " + primary
                + " after " + timeout.toSeconds() + " s; pg_stat_replication (name, state, pid): " + seen);
        if (lastError != null) {
            message.append("\nlast query error: ").append(lastError.getMessage());
        }
        message.append('\n').append(primary.logTailForMessage());
        for (LocalNode standby : standbys) {
            message.append('\n').append(standby.logTailForMessage());
        }
        throw new LocalClusterException(message.toString());
    }

    /** Waits until each running node of {@code standbys} has replayed everything {@code primary} has written so far. */
    static void awaitCaughtUp(LocalNode primary, List<LocalNode> standbys, Duration timeout) {
        // The insert position, not pg_current_wal_lsn(): with synchronous_commit off, a commit
        // record may still sit in the WAL buffers, beyond the write position.
        String lsn = primary.queryValue("select pg_current_wal_insert_lsn()")
                .orElseThrow(() -> new LocalClusterException("no WAL position from " + primary));
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LocalNode standby : standbys) {
            if (!standby.isRunning()) {
                continue;
            }
            while (true) {
                String replayed = standby.queryValue("select pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn").orElse("f");
                if ("t".equals(replayed)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new LocalClusterException(standby + " has not replayed up to " + lsn + " after "
                            + timeout.toSeconds() + " s\n" + standby.logTailForMessage());
                }
                pause(Duration.ofMillis(50));
            }
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalClusterException("interrupted", e);
        }
    }
}
