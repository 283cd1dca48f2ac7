package io.tidepool.admin.pcp;

import java.util.Objects;
import java.util.Optional;

/**
 * A refused or failed PCP request, as the client will see it: a message, an optional detail,
 * and whether the connection ends (FATAL) or stays usable (ERROR). Texts start lower-case
 * (spec 1.5): say what happened and, where it helps, what to do.
 */
public final class PcpServiceException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String detail;
    private final boolean fatal;

    private PcpServiceException(String message, String detail, boolean fatal) {
        super(Objects.requireNonNull(message, "message"));
        this.detail = detail;
        this.fatal = fatal;
    }

    /** The request failed; the client may send the next one. */
    public static PcpServiceException error(String message, String detail) {
        return new PcpServiceException(message, detail, false);
    }

    /** The request failed and the connection is closed (pgpool-II does so for a few promote errors). */
    public static PcpServiceException fatal(String message, String detail) {
        return new PcpServiceException(message, detail, true);
    }

    public Optional<String> detail() {
        return Optional.ofNullable(detail);
    }

    public boolean isFatal() {
        return fatal;
    }
}
