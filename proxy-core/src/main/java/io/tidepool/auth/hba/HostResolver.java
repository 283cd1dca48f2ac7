package io.tidepool.auth.hba;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * DNS look-ups for host-name lines of pool_hba.conf. Both calls may block: the session runs a
 * match that needs them ({@link PoolHba#needsHostNameLookups()}) on the blocking executor,
 * never on an event loop.
 */
public interface HostResolver {

    /** The name the address's PTR record gives; empty when there is none. */
    Optional<String> reverse(InetAddress address);

    /** Every address the name resolves to; empty when it does not resolve. */
    List<InetAddress> forward(String name);

    /** The system resolver. */
    static HostResolver system() {
        return new HostResolver() {
            @Override
            public Optional<String> reverse(InetAddress address) {
                String name = address.getCanonicalHostName();
                // getCanonicalHostName answers the address itself when there is no PTR record.
                return name.equals(address.getHostAddress()) ? Optional.empty() : Optional.of(name);
            }

            @Override
            public List<InetAddress> forward(String name) {
                try {
                    return List.of(InetAddress.getAllByName(name));
                } catch (UnknownHostException e) {
                    return List.of();
                }
            }
        };
    }
}
