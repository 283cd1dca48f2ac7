package io.tidepool.auth.hba;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * What pool_hba.conf is matched against: how the client connected and whom it claims to be.
 *
 * @param address  the client's IP address; empty for a Unix-domain socket
 * @param ssl      whether the connection negotiated TLS
 * @param user     the user of the StartupMessage
 * @param database the database of the StartupMessage (the user name when it named none)
 */
public record HbaClient(Optional<InetAddress> address, boolean ssl, String user, String database) {

    public HbaClient {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
        address = address.map(HbaClient::unmapped);
    }

    public static HbaClient local(String user, String database) {
        return new HbaClient(Optional.empty(), false, user, database);
    }

    public static HbaClient tcp(InetAddress address, boolean ssl, String user, String database) {
        return new HbaClient(Optional.of(address), ssl, user, database);
    }

    public boolean isLocal() {
        return address.isEmpty();
    }

    /**
     * An IPv4 client reaching a dual-stack listener shows up as {@code ::ffff:a.b.c.d}; it is
     * matched as the IPv4 address it is, as PostgreSQL does.
     */
    static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("4 bytes are always an IPv4 address", e);
                }
            }
        }
        return address;
    }

    /** How PostgreSQL names the connection in its "no entry" message. */
    String describeForMessage() {
        String host = address.map(InetAddress::getHostAddress).orElse("[local]");
        String encryption = isLocal() ? "" : ssl ? ", SSL encryption" : ", no encryption";
        return "host \"" + host + "\", user \"" + user + "\", database \"" + database + "\"" + encryption;
    }

    boolean isIpv4() {
        return address.map(a -> a instanceof Inet4Address).orElse(false);
    }
}
