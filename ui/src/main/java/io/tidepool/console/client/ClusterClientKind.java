package io.tidepool.console.client;

/** The three kinds of cluster the console can manage (DESIGN.md, "The console"). */
public enum ClusterClientKind {
    /** The Tidepool engine running inside the console's own process. */
    EMBEDDED_ENGINE("Embedded Tidepool engine"),
    /** A Tidepool proxy elsewhere, through its admin API and event stream. */
    REMOTE_TIDEPOOL("Remote Tidepool"),
    /** An existing pgpool-II, through SHOW pool_* over SQL and PCP. */
    REMOTE_PGPOOL("Remote pgpool-II");

    private final String label;

    ClusterClientKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
