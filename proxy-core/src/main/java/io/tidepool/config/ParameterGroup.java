package io.tidepool.config;

/** The sections of pgpool.conf, in the order the sample file and the console's editor show them. */
public enum ParameterGroup {
    CLUSTERING("Clustering mode"),
    CONNECTIONS("Connections"),
    BACKENDS("Backend nodes"),
    AUTHENTICATION("Authentication"),
    SSL("SSL"),
    POOLS("Pools and processes"),
    LOGGING("Logging"),
    FILE_LOCATIONS("File locations"),
    CONNECTION_POOLING("Connection pooling"),
    REPLICATION("Native replication"),
    LOAD_BALANCING("Load balancing and routing"),
    STREAMING_REPLICATION("Streaming replication checks"),
    HEALTH_CHECK("Health check"),
    FAILOVER("Failover and failback"),
    RECOVERY("Online recovery"),
    WATCHDOG("Watchdog"),
    WATCHDOG_LIFECHECK("Watchdog life check"),
    RELATION_CACHE("Relation cache"),
    MEMORY_CACHE("In-memory query cache"),
    TIDEPOOL("Tidepool (not read by pgpool-II)");

    private final String title;

    ParameterGroup(String title) {
        this.title = title;
    }

    /** Heading used in the sample file and the console. */
    public String title() {
        return title;
    }
}
