package io.tidepool.config;

/**
 * {@code backend_flagN}: {@code ALLOW_TO_FAILOVER} or {@code DISALLOW_TO_FAILOVER}, optionally
 * {@code |ALWAYS_PRIMARY}. Words are separated by {@code |}, upper case as pgpool-II requires.
 */
public record BackendFlag(boolean allowToFailover, boolean alwaysPrimary) {
    public static final BackendFlag DEFAULT = new BackendFlag(true, false);

    /**
     * Parses the text of a {@code backend_flagN} line; an empty text is the default.
     *
     * @throws IllegalArgumentException naming the offending word
     */
    public static BackendFlag parse(String text) {
        boolean allow = false;
        boolean disallow = false;
        boolean alwaysPrimary = false;
        for (String raw : text.split("\\|", -1)) {
            String word = raw.trim();
            switch (word) {
                case "ALLOW_TO_FAILOVER" -> allow = true;
                case "DISALLOW_TO_FAILOVER" -> disallow = true;
                case "ALWAYS_PRIMARY" -> alwaysPrimary = true;
                case "" -> {
                    if (!text.isBlank()) {
                        throw new IllegalArgumentException("empty word between '|'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown flag '" + word
                        + "'; use ALLOW_TO_FAILOVER, DISALLOW_TO_FAILOVER and ALWAYS_PRIMARY");
            }
        }
        if (allow && disallow) {
            throw new IllegalArgumentException("ALLOW_TO_FAILOVER and DISALLOW_TO_FAILOVER exclude each other");
        }
        return new BackendFlag(!disallow, alwaysPrimary);
    }

    /** The text pgpool-II shows: {@code ALLOW_TO_FAILOVER|ALWAYS_PRIMARY}. */
    public String text() {
        return (allowToFailover ? "ALLOW_TO_FAILOVER" : "DISALLOW_TO_FAILOVER") + (alwaysPrimary ? "|ALWAYS_PRIMARY" : "");
    }
}
