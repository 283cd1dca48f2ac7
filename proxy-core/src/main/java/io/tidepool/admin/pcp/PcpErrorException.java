package io.tidepool.admin.pcp;

/** The server answered a request with an error packet (spec 1.5). */
public final class PcpErrorException extends PcpClientException {

    private static final long serialVersionUID = 1L;

    private final transient PcpErrorPacket error;

    public PcpErrorException(PcpErrorPacket error) {
        super(error.severity() + ": " + error.message() + error.detail().map(d -> " (" + d + ")").orElse(""));
        this.error = error;
    }

    public PcpErrorPacket error() {
        return error;
    }

    /** FATAL: the server has closed the connection. */
    public boolean isFatal() {
        return error.isFatal();
    }
}
