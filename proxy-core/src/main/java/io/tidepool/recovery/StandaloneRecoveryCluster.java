package io.tidepool.recovery;

import io.tidepool.cluster.NodeStatus;
import io.tidepool.config.BackendDefinition;
import io.tidepool.config.PgpoolConfig;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Recovery without a running proxy (the {@code tidepool recover} command line): the primary is the
 * first node that answers {@code recovery_user} and is not in recovery; every other node counts as
 * down (the operator chose to recover it); attaching is left to the proxy, and said so.
 */
public final class StandaloneRecoveryCluster implements RecoveryCluster {

    private final PgpoolConfig config;
    private final Consumer<String> out;
    private OptionalInt primary;

    /** {@code out} receives events and the attach hint, one message at a time. */
    public StandaloneRecoveryCluster(PgpoolConfig config, Consumer<String> out) {
        this.config = config;
        this.out = out;
    }

    @Override
    public PgpoolConfig config() {
        return config;
    }

    @Override
    public synchronized OptionalInt primaryNodeId() {
        if (primary == null) {
            primary = findPrimary();
        }
        return primary;
    }

    private OptionalInt findPrimary() {
        String user = config.getString("recovery_user");
        String password = config.getString("recovery_password");
        for (BackendDefinition node : config.backends()) {
            SqlTarget target = new SqlTarget(RecoverySettings.normalizedHost(node.hostname()), node.port(),
                    config.getString("recovery_database"), user, password);
            try (Connection c = target.connect(Duration.ofSeconds(10)); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT pg_is_in_recovery()")) {
                if (r.next() && !r.getBoolean(1)) {
                    return OptionalInt.of(node.id());
                }
            } catch (SQLException e) {
                // Not reachable or refused: not the primary we can recover from.
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public NodeStatus status(int nodeId) {
        return config.backends().stream().anyMatch(b -> b.id() == nodeId) ? NodeStatus.DOWN : NodeStatus.UNUSED;
    }

    @Override
    public void attach(int nodeId, Duration timeout) {
        out.accept("node " + nodeId + " is ready; a running proxy puts it back into service with pcp_attach_node -n " + nodeId);
    }

    @Override
    public void event(RecoveryEvent event) {
        if (event.kind() != RecoveryEvent.Kind.RECOVERY_STEP) {
            out.accept(event.message());
        }
    }
}
