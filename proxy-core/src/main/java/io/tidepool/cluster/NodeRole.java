package io.tidepool.cluster;

/** Node role as pgpool-II reports it (spec 1.7.3 field 7): main/replica outside streaming replication. */
public enum NodeRole {
    MAIN(0, "main"),
    REPLICA(1, "replica"),
    PRIMARY(2, "primary"),
    STANDBY(3, "standby");

    private final int code;
    private final String text;

    NodeRole(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }
}
