package io.tidepool.server;

import io.tidepool.backend.BackendNode;
import io.tidepool.frontend.SessionSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts a raw-mode proxy by hand, for benchmarks and debugging with psql or pgbench:
 * {@code ManualProxy <listen-port> <backend-host>:<backend-port>...}. Runs until killed.
 */
public final class ManualProxy {
    private ManualProxy() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<BackendNode> nodes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            int colon = args[i].lastIndexOf(':');
            nodes.add(new BackendNode(i - 1, args[i].substring(0, colon), Integer.parseInt(args[i].substring(colon + 1))));
        }
        boolean verbose = Boolean.getBoolean("tidepool.verbose");
        ProxySettings settings = ProxySettings.loopback(port, nodes);
        settings = settings.withSession(new SessionSettings(nodes, settings.session().limits(),
                settings.session().connectTimeout(), settings.session().authenticationTimeout(), verbose, verbose,
                verbose, false));
        ProxyServer server = new ProxyServer(settings);
        server.start();
        System.out.println("listening on " + server.boundAddresses());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
