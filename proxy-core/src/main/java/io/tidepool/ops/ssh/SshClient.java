package io.tidepool.ops.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens SSH connections and reuses them: one open session per {@link SshSettings}, reopened when
 * it has dropped. Thread-safe. Closing the client closes every session.
 */
public final class SshClient implements AutoCloseable {

    private final Map<SshSettings, SshConnection> connections = new ConcurrentHashMap<>();

    /** An open session for {@code settings}: the existing one while it is connected, else a new one. */
    public SshConnection connect(SshSettings settings) {
        SshConnection existing = connections.get(settings);
        if (existing != null && existing.isOpen()) {
            return existing;
        }
        synchronized (this) {
            existing = connections.get(settings);
            if (existing != null && existing.isOpen()) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            SshConnection opened = SshConnection.open(settings);
            connections.put(settings, opened);
            return opened;
        }
    }

    /** Closes the session for {@code settings}, if one is open (the next {@link #connect} opens a new one). */
    public void disconnect(SshSettings settings) {
        SshConnection connection = connections.remove(settings);
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public void close() {
        List<SshConnection> all = new ArrayList<>(connections.values());
        connections.clear();
        all.forEach(SshConnection::close);
    }
}
