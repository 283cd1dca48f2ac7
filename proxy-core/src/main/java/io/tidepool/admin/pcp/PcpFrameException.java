package io.tidepool.admin.pcp;

import io.netty.handler.codec.DecoderException;

/** A packet whose length field is outside the accepted bounds (spec 1.2). */
public final class PcpFrameException extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final int length;

    public PcpFrameException(int length, int limit) {
        super("incorrect packet length (" + length + "); it must be between 4 and " + (limit - 1));
        this.length = length;
    }

    /** The offending length field. */
    public int length() {
        return length;
    }
}
