package io.tidepool.ops.local;

/** The PostgreSQL programs a local cluster needs are not installed (or not where we were told to look). */
public final class PgBinariesMissingException extends LocalClusterException {
    private static final long serialVersionUID = 1L;

    public PgBinariesMissingException(String message) {
        super(message);
    }
}
