package io.tidepool.cluster;

import java.util.Locale;
import java.util.Optional;

/** pgpool.conf {@code backend_clustering_mode}: how the backends relate to each other. */
public enum ClusteringMode {
    STREAMING_REPLICATION("streaming_replication"),
    NATIVE_REPLICATION("native_replication"),
    LOGICAL_REPLICATION("logical_replication"),
    SLONY("slony"),
    SNAPSHOT_ISOLATION("snapshot_isolation"),
    RAW("raw");

    private final String configName;

    ClusteringMode(String configName) {
        this.configName = configName;
    }

    /** The value as written in pgpool.conf. */
    public String configName() {
        return configName;
    }

    /** Only streaming replication has a primary and standbys that can be promoted. */
    public boolean hasPrimary() {
        return this == STREAMING_REPLICATION || this == LOGICAL_REPLICATION || this == SLONY;
    }

    public static Optional<ClusteringMode> fromConfigName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (ClusteringMode mode : values()) {
            if (mode.configName.equals(wanted)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
