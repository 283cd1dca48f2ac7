package io.tidepool.ops.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free loopback TCP ports, found by binding port 0. A port is free only at the moment it is
 * picked; whoever binds it later must be ready for someone else to have taken it meanwhile
 * (LocalCluster retries with a new one).
 */
final class FreePorts {

    private FreePorts() {
    }

    /** {@code count} distinct ports that were free a moment ago (all held open together so they differ). */
    static List<Integer> pick(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LocalNode.HOST));
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket that never accepted does not fail in practice.
                }
            }
        }
    }
}
