package io.tidepool.cluster;

import java.util.Objects;
import java.util.Optional;

/**
 * A request to the cluster owner (detach, attach, promote) that was refused, with the words an
 * operator sees: a message, an optional detail, and whether pgpool-II would close the PCP
 * connection over it ({@code fatal}).
 */
public final class ClusterRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String detail;
    private final boolean fatal;

    public ClusterRequestException(String message, String detail, boolean fatal) {
        super(Objects.requireNonNull(message, "message"));
        this.detail = detail;
        this.fatal = fatal;
    }

    public static ClusterRequestException error(String message, String detail) {
        return new ClusterRequestException(message, detail, false);
    }

    public Optional<String> detail() {
        return Optional.ofNullable(detail);
    }

    public boolean isFatal() {
        return fatal;
    }
}
