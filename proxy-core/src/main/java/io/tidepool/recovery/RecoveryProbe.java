package io.tidepool.recovery;

import io.tidepool.ops.Cancellation;
import io.tidepool.ops.ssh.RemoteCommand;
import io.tidepool.ops.ssh.RemoteResult;
import io.tidepool.ops.ssh.Shell;
import io.tidepool.ops.ssh.SshClient;
import io.tidepool.ops.ssh.SshException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * The read-only look before a plan: one SQL session on the source, and for the built-in
 * recovery one {@code pg_controldata} of the target's data directory over SSH. Nothing is
 * changed anywhere, so a dry run may call it.
 */
final class RecoveryProbe {

    static final Duration LIMIT = Duration.ofSeconds(30);

    private static final String SOURCE_SQL = "SELECT (SELECT setting FROM pg_config WHERE name = 'BINDIR'),"
            + " current_setting('data_directory'),"
            + " (SELECT system_identifier::text FROM pg_control_system()),"
            + " EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'pgpool_recovery' AND pronargs = 7),"
            + " pg_is_in_recovery()";

    private RecoveryProbe() {
    }

    static RecoveryFacts probe(RecoverySettings settings, SshClient ssh, boolean probeTarget, Cancellation cancellation)
            throws RecoveryException {
        String binDir;
        String dataDirectory;
        String systemId;
        boolean extension;
        boolean inRecovery;
        try (Connection connection = settings.sourceSql().connect(LIMIT);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(SOURCE_SQL)) {
            row.next();
            binDir = nullToEmpty(row.getString(1));
            dataDirectory = nullToEmpty(row.getString(2));
            systemId = nullToEmpty(row.getString(3));
            extension = row.getBoolean(4);
            inRecovery = row.getBoolean(5);
        } catch (SQLException e) {
            throw RecoveryException.refused("node recovery failed, unable to connect to main node: " + settings.source().id(),
                    "connecting to " + settings.sourceSql() + " as recovery_user failed: " + e.getMessage()
                            + " [SQLSTATE " + e.getSQLState() + "]");
        }
        if (inRecovery && settings.mode().hasPrimary()) {
            throw RecoveryException.refused("node recovery failed: node " + settings.source().id() + " is not a primary",
                    settings.sourceSql() + " is in recovery; wait until the cluster has a primary");
        }
        Optional<RecoveryFacts.TargetData> target = Optional.empty();
        if (probeTarget) {
            String dir = settings.target().dataDirectory();
            String bin = settings.targetBinDir().isEmpty() ? binDir : settings.targetBinDir();
            String command = "if [ -f " + Shell.quote(dir + "/global/pg_control") + " ]; then LC_ALL=C "
                    + Shell.quote(bin + "/pg_controldata") + " " + Shell.quote(dir) + "; elif [ -e " + Shell.quote(dir)
                    + " ]; then echo 'tidepool-probe: no control file'; else echo 'tidepool-probe: no data directory'; fi";
            StringBuilder output = new StringBuilder();
            try {
                RemoteResult result = ssh.connect(settings.targetSsh()).run(RemoteCommand.of(command).withTimeout(LIMIT)
                        .withCancellation(cancellation).withListener((stream, line) -> {
                            synchronized (output) {
                                output.append(line).append('\n');
                            }
                        }));
                result.orThrow("reading the control file of " + dir);
            } catch (SshException e) {
                throw RecoveryException.refused("node recovery failed: cannot look at node " + settings.target().id()
                        + "'s data directory over ssh", e.getMessage());
            }
            synchronized (output) {
                target = Optional.of(RecoveryFacts.TargetData.parse(output.toString()));
            }
        }
        return new RecoveryFacts(binDir, dataDirectory, systemId, extension, target);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
