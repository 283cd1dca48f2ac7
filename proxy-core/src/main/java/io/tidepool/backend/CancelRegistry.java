package io.tidepool.backend;

import io.tidepool.protocol.backend.BackendKeyData;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Maps the cancel keys the proxy hands to clients onto the sessions that own them (DESIGN
 * hard part 5). A client never sees a backend's key: it gets a proxy process id (unique
 * among live sessions) and a random secret; a CancelRequest is honoured only when both
 * match, and then reaches only the backends the session names as running its statement.
 *
 * <p>Thread-safe: sessions register on their own event loops; cancel requests arrive on any.
 */
public final class CancelRegistry {

    /** A backend to cancel: where it is and the key it gave. */
    public record CancelTarget(BackendNode node, BackendKeyData backendKey) {
    }

    /** A session, as seen by a cancel request. */
    public interface Cancellable {
        /** The backends running the session's current statement; read from any thread. */
        List<CancelTarget> cancelTargets();
    }

    private record Entry(int secret, Cancellable session) {
    }

    private final ConcurrentHashMap<Integer, Entry> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger nextProcessId = new AtomicInteger(1);
    private final SecureRandom random = new SecureRandom();

    /** Registers {@code session} and returns the key to send to its client. */
    public BackendKeyData register(Cancellable session) {
        int secret = random.nextInt();
        while (true) {
            // Positive ids like a real pid; skip ids still in use after wrapping around.
            int processId = nextProcessId.getAndUpdate(id -> id == Integer.MAX_VALUE ? 1 : id + 1);
            if (sessions.putIfAbsent(processId, new Entry(secret, session)) == null) {
                return new BackendKeyData(processId, secret);
            }
        }
    }

    /** Forgets the key (the session ended). */
    public void unregister(BackendKeyData proxyKey) {
        sessions.computeIfPresent(proxyKey.processId(),
                (id, entry) -> entry.secret() == proxyKey.secretKey() ? null : entry);
    }

    /** The session owning this key, when the secret matches too (compared in constant time). */
    public Optional<Cancellable> find(int processId, byte[] secret) {
        Entry entry = sessions.get(processId);
        if (entry == null) {
            return Optional.empty();
        }
        byte[] expected = new BackendKeyData(processId, entry.secret()).secret();
        return MessageDigest.isEqual(expected, secret) ? Optional.of(entry.session()) : Optional.empty();
    }

    public int size() {
        return sessions.size();
    }
}
