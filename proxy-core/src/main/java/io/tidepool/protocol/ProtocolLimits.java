package io.tidepool.protocol;

/**
 * Hard upper bounds on frame lengths, checked on the length field before any body byte is
 * accumulated (STYLE 3).
 *
 * @param startupPacket         untyped startup-phase packets (StartupMessage, SSLRequest, ...);
 *                              PostgreSQL's own bound is 10000 bytes
 * @param beforeAuthentication  typed client messages until authentication has completed
 *                              (password and SASL messages are small)
 * @param afterAuthentication   typed client messages once the session is authenticated
 * @param backendMessage        messages from a backend (a {@code DataRow} can be large)
 */
public record ProtocolLimits(int startupPacket, int beforeAuthentication, int afterAuthentication, int backendMessage) {

    /** PostgreSQL's limits: 10000 bytes before authentication, 1 GiB - 1 (MaxAllocSize) after. */
    public static final ProtocolLimits POSTGRESQL = new ProtocolLimits(10_000, 10_000, 0x3fff_ffff, 0x3fff_ffff);

    public ProtocolLimits {
        if (startupPacket < 8 || beforeAuthentication < 4 || afterAuthentication < 4 || backendMessage < 4) {
            throw new IllegalArgumentException("protocol limits too small: " + startupPacket + ", "
                    + beforeAuthentication + ", " + afterAuthentication + ", " + backendMessage);
        }
    }
}
