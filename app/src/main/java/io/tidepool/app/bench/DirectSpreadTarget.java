package io.tidepool.app.bench;

import io.tidepool.ops.local.LocalNode;
import java.util.List;

/**
 * Every node of the cluster itself, pgbench's clients split evenly over them and no proxy in
 * between: load balancing as a client library would do it. Beside {@link DirectTarget} it shows
 * what spreading reads over servers that share this machine's CPUs costs or gains on its own;
 * beside Tidepool with load balancing, the proxy's cost with the reads placed alike. Select-only
 * rows only: a standby refuses tpcb-like's writes.
 *
 * @param endpoints the nodes, the primary first
 */
record DirectSpreadTarget(List<Endpoint> endpoints) implements BenchTarget {
    DirectSpreadTarget {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("direct-spread needs at least one node");
        }
    }

    /** Every node of {@code nodes}, in their order. */
    static DirectSpreadTarget over(List<LocalNode> nodes) {
        return new DirectSpreadTarget(nodes.stream().map(node -> new Endpoint(node.host(), node.port())).toList());
    }

    @Override
    public String name() {
        return "direct-spread";
    }

    @Override
    public String host() {
        return endpoints.get(0).host();
    }

    @Override
    public int port() {
        return endpoints.get(0).port();
    }

    @Override
    public boolean runs(BenchWorkload workload) {
        return workload == BenchWorkload.SELECT_ONLY;
    }

    @Override
    public void close() {
    }
}
