package io.tidepool.recovery;

/** How a node is rebuilt. */
public enum RecoveryMethod {
    /** {@code pg_rewind} of the node's own data directory against the primary (fast: copies only what diverged). */
    REWIND("pg_rewind"),
    /** A fresh {@code pg_basebackup} of the primary into the node's data directory (the old one kept aside until success). */
    BASEBACKUP("pg_basebackup"),
    /** pgpool-II's way: {@code recovery_1st_stage_command} (and 2nd stage), then {@code pgpool_remote_start}. */
    SCRIPTS("recovery scripts");

    private final String text;

    RecoveryMethod(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
