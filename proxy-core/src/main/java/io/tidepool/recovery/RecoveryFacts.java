package io.tidepool.recovery;

import java.util.Objects;
import java.util.Optional;

/**
 * What the probes before a recovery found (read-only: a SQL session on the source, one
 * {@code pg_controldata} on the target's host). The planner decides from these alone, so plans
 * are unit-testable. Immutable.
 *
 * @param sourceBinDir           the source server's {@code pg_config} BINDIR (empty when unreadable)
 * @param sourceDataDirectory    the source's {@code data_directory}
 * @param sourceSystemIdentifier the source's {@code pg_control_system().system_identifier}
 * @param pgpoolRecoveryInstalled the 7-argument {@code pgpool_recovery} function exists in recovery_database
 * @param target                 the target's data directory, when it was probed (built-in recovery only)
 */
public record RecoveryFacts(String sourceBinDir, String sourceDataDirectory, String sourceSystemIdentifier,
                            boolean pgpoolRecoveryInstalled, Optional<TargetData> target) {

    public RecoveryFacts {
        Objects.requireNonNull(sourceBinDir);
        Objects.requireNonNull(sourceDataDirectory);
        Objects.requireNonNull(sourceSystemIdentifier);
        Objects.requireNonNull(target);
    }

    /**
     * The target's data directory as {@code pg_controldata} shows it.
     *
     * @param exists            the directory exists
     * @param hasControlFile    it holds {@code global/pg_control} (a PostgreSQL data directory)
     * @param walLogHints       it last ran with {@code wal_log_hints = on}
     * @param dataChecksums     its data page checksum version is not 0
     * @param systemIdentifier  its database system identifier ("" when unknown)
     * @param clusterState      "shut down", "in production", "shut down in recovery", ... ("" when unknown)
     */
    public record TargetData(boolean exists, boolean hasControlFile, boolean walLogHints, boolean dataChecksums,
                             String systemIdentifier, String clusterState) {

        public static TargetData missing() {
            return new TargetData(false, false, false, false, "", "");
        }

        /** Parses {@code LC_ALL=C pg_controldata} output (or the probe's own "no data directory" lines). */
        public static TargetData parse(String output) {
            if (output.contains("tidepool-probe: no data directory")) {
                return missing();
            }
            if (output.contains("tidepool-probe: no control file")) {
                return new TargetData(true, false, false, false, "", "");
            }
            String id = field(output, "Database system identifier:");
            String hints = field(output, "wal_log_hints setting:");
            String checksums = field(output, "Data page checksum version:");
            String state = field(output, "Database cluster state:");
            return new TargetData(true, !id.isEmpty(), hints.equals("on"), !checksums.isEmpty() && !checksums.equals("0"),
                    id, state);
        }

        private static String field(String output, String label) {
            for (String line : output.split("\n")) {
                if (line.startsWith(label)) {
                    return line.substring(label.length()).trim();
                }
            }
            return "";
        }
    }
}
