package io.tidepool.config;

/** {@code backend_flagN}: {@code ALLOW_TO_FAILOVER} or {@code DISALLOW_TO_FAILOVER}, optionally {@code |ALWAYS_PRIMARY}. */
public record BackendFlag(boolean allowToFailover, boolean alwaysPrimary) {
    public static final BackendFlag DEFAULT = new BackendFlag(true, false);
}
