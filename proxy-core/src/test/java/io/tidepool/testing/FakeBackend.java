package io.tidepool.testing;

import io.tidepool.backend.BackendNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted PostgreSQL server on loopback, for hostile-backend tests: each accepted
 * connection runs the script on its own thread. Failures inside scripts are collected and
 * rethrown by {@link #close()}, so a script's assertion fails the test.
 */
public final class FakeBackend implements AutoCloseable {

    @FunctionalInterface
    public interface Script {
        void run(PeerSocket connection) throws Exception;
    }

    private final ServerSocket server;
    private final Script script;
    private final Thread acceptor;
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<PeerSocket> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    public FakeBackend(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = new Thread(this::acceptLoop, "fake-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                PeerSocket connection = new PeerSocket(socket);
                connections.add(connection);
                Thread worker = new Thread(() -> {
                    try {
                        script.run(connection);
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        try {
                            connection.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                }, "fake-backend-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    public BackendNode node(int id) {
        return new BackendNode(id, "127.0.0.1", server.getLocalPort());
    }

    /** Scripts report what they saw here; tests wait for it with {@link #nextEvent}. */
    public void report(Object event) {
        events.add(event);
    }

    /** The next event a script reported, or fails after {@code seconds}. */
    public Object nextEvent(int seconds) throws InterruptedException {
        Object event = events.poll(seconds, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("the fake backend reported nothing within " + seconds + " s");
        }
        return event;
    }

    /** The next event, or empty when none arrives within {@code millis}. */
    public java.util.Optional<Object> pollEvent(int millis) throws InterruptedException {
        return java.util.Optional.ofNullable(events.poll(millis, TimeUnit.MILLISECONDS));
    }

    public int connectionCount() {
        return connections.size();
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (PeerSocket connection : connections) {
            connection.close();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("fake backend script failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }
}
