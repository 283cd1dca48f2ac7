package io.tidepool.admin.pcp;

import java.io.IOException;

/** A PCP conversation that could not be completed: connection, timeout or protocol failure. */
public class PcpClientException extends IOException {

    private static final long serialVersionUID = 1L;

    public PcpClientException(String message) {
        super(message);
    }

    public PcpClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
