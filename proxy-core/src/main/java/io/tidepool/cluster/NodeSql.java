package io.tidepool.cluster;

import io.tidepool.config.HealthCheckSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The SQL the cluster owner sends to backends, each call a short-lived connection: role probes,
 * WAL positions, {@code pg_stat_replication}, and the built-in failover's {@code pg_promote()} and
 * {@code primary_conninfo} changes. Runs on blocking threads only.
 */
final class NodeSql {

    /** Who logs in: the replication check's account, or the administrative one for promotion. */
    enum Account { SR_CHECK, ADMIN }

    /** A standby's view of replication, from {@code pg_stat_replication} on the primary. */
    record ReplicationRow(String applicationName, String state, String syncState, OptionalLong replayLagMicros,
                          OptionalLong replayLsn) {
    }

    /** What one node says about itself. */
    record NodeReport(boolean inRecovery, OptionalLong currentLsn, OptionalLong receiveLsn, OptionalLong replayLsn,
                      String walReceiverStatus, String senderHost, int senderPort, String walReceiverAppName,
                      List<ReplicationRow> replication) {
    }

    private final ClusterSettings settings;
    private final BackendCredentials credentials;

    NodeSql(ClusterSettings settings, BackendCredentials credentials) {
        this.settings = settings;
        this.credentials = credentials;
    }

    Connection connect(NodeSnapshot node, Account account, Duration queryTimeout) throws SQLException {
        HealthCheckSettings hc = settings.healthCheck(node.id());
        Duration connectTimeout = hc.connectTimeout().isZero() ? Duration.ofSeconds(10) : hc.connectTimeout();
        // Promotion and ALTER SYSTEM need a superuser: recovery_user is the account pgpool-II uses for
        // administrative SQL on the backends; without one, the replication check's account is used.
        boolean admin = account == Account.ADMIN && !settings.recoveryUser().isEmpty();
        BackendCredentials.Login login = admin
                ? credentials.resolve(settings.recoveryUser(), settings.recoveryPassword())
                : credentials.resolve(settings.srCheckUser(), settings.srCheckPassword());
        String database = admin ? settings.recoveryDatabase() : settings.srCheckDatabase();
        return NodeConnector.connect(new NodeConnector.Target(node.hostname(), node.port(),
                database.isEmpty() ? "postgres" : database, login), connectTimeout, queryTimeout);
    }

    /** pg_is_in_recovery(); empty when the node cannot be asked. */
    Optional<Boolean> inRecovery(NodeSnapshot node, Duration timeout) {
        try (Connection c = connect(node, Account.SR_CHECK, timeout); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select pg_is_in_recovery()")) {
            r.next();
            return Optional.of(r.getBoolean(1));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Everything the replication check needs from one node, in one connection. */
    NodeReport report(NodeSnapshot node, Duration timeout) throws SQLException {
        try (Connection c = connect(node, Account.SR_CHECK, timeout); Statement s = c.createStatement()) {
            boolean inRecovery;
            try (ResultSet r = s.executeQuery("select pg_is_in_recovery()")) {
                r.next();
                inRecovery = r.getBoolean(1);
            }
            if (!inRecovery) {
                OptionalLong current;
                try (ResultSet r = s.executeQuery("select pg_current_wal_lsn()::text")) {
                    r.next();
                    current = Lsn.parse(r.getString(1));
                }
                List<ReplicationRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery("select application_name, state, sync_state,"
                        + " (extract(epoch from replay_lag) * 1000000)::bigint, replay_lsn::text"
                        + " from pg_stat_replication order by pid")) {
                    while (r.next()) {
                        long lag = r.getLong(4);
                        OptionalLong lagMicros = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(lag);
                        rows.add(new ReplicationRow(nz(r.getString(1)), nz(r.getString(2)), nz(r.getString(3)),
                                lagMicros, Lsn.parse(r.getString(5))));
                    }
                }
                return new NodeReport(false, current, OptionalLong.empty(), OptionalLong.empty(), "", "", 0, "", rows);
            }
            OptionalLong receive;
            OptionalLong replay;
            try (ResultSet r = s.executeQuery("select pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text")) {
                r.next();
                receive = Lsn.parse(r.getString(1));
                replay = Lsn.parse(r.getString(2));
            }
            String status = "";
            String senderHost = "";
            int senderPort = 0;
            String appName = "";
            // pg_stat_wal_receiver shows conninfo only to superusers and pg_read_all_stats members.
            try (ResultSet r = s.executeQuery("select status, sender_host, sender_port, conninfo from pg_stat_wal_receiver")) {
                if (r.next()) {
                    status = nz(r.getString(1));
                    senderHost = nz(r.getString(2));
                    senderPort = r.getInt(3);
                    appName = ConnInfo.parse(nz(r.getString(4))).getOrDefault("application_name", "");
                }
            }
            if (appName.isEmpty()) {
                try (ResultSet r = s.executeQuery("select current_setting('cluster_name')")) {
                    r.next();
                    appName = nz(r.getString(1));
                }
            }
            return new NodeReport(true, OptionalLong.empty(), receive, replay, status, senderHost, senderPort,
                    appName.isEmpty() ? "walreceiver" : appName, List.of());
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
