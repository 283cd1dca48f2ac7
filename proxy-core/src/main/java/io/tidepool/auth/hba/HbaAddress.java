package io.tidepool.auth.hba;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The address field of a {@code host*} line. */
public sealed interface HbaAddress {

    /** {@code all}: any client address. */
    record Any() implements HbaAddress {
    }

    /** {@code samehost}: any of the proxy's own addresses. */
    record SameHost() implements HbaAddress {
    }

    /** {@code samenet}: any address in a subnet the proxy is directly connected to. */
    record SameNet() implements HbaAddress {
    }

    /**
     * An address with a mask, written as CIDR ({@code 10.0.0.0/8}, {@code ::1/128}) or as an
     * address followed by a mask field ({@code 10.0.0.0 255.0.0.0}). Arrays are copied in.
     */
    record Network(byte[] address, byte[] mask) implements HbaAddress {
        public Network {
            if (address.length != mask.length) {
                throw new IllegalArgumentException("address and mask of different families");
            }
            address = address.clone();
            mask = mask.clone();
        }

        static Network ofPrefix(InetAddress address, int prefix) {
            byte[] mask = new byte[address.getAddress().length];
            for (int i = 0; i < mask.length; i++) {
                int bits = Math.max(0, Math.min(8, prefix - 8 * i));
                mask[i] = (byte) (0xff00 >> bits);
            }
            return new Network(address.getAddress(), mask);
        }

        boolean contains(InetAddress candidate) {
            byte[] c = candidate.getAddress();
            if (c.length != address.length) {
                return false;
            }
            for (int i = 0; i < c.length; i++) {
                if ((c[i] & mask[i]) != (address[i] & mask[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Network that && Arrays.equals(address, that.address) && Arrays.equals(mask, that.mask);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(address) * 31 + Arrays.hashCode(mask);
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(address).getHostAddress() + " mask "
                        + InetAddress.getByAddress(mask).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return "Network";
            }
        }
    }

    /**
     * A host name: the client's address must reverse-resolve to this name (or, when the field
     * starts with a dot, to a name ending with it), and that name must resolve forward to the
     * client's address again. Both look-ups are PostgreSQL's rule against spoofed PTR records.
     */
    record HostName(String name) implements HbaAddress {
        public HostName {
            name = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        }

        boolean isSuffix() {
            return name.startsWith(".");
        }

        boolean matchesName(String resolved) {
            String lower = resolved.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".")) {
                lower = lower.substring(0, lower.length() - 1);
            }
            return isSuffix() ? lower.endsWith(name) : lower.equals(name);
        }
    }

    /** The proxy's own addresses and subnets, for {@code samehost} and {@code samenet}. */
    interface LocalNetworks {
        /** Every address of every interface that is up, with its prefix length. */
        List<InterfaceNet> interfaces();

        record InterfaceNet(InetAddress address, int prefixLength) {
        }

        static LocalNetworks system() {
            return () -> {
                List<InterfaceNet> nets = new java.util.ArrayList<>();
                try {
                    for (java.net.NetworkInterface nic : java.util.Collections.list(
                            java.net.NetworkInterface.getNetworkInterfaces())) {
                        if (!nic.isUp()) {
                            continue;
                        }
                        for (java.net.InterfaceAddress ia : nic.getInterfaceAddresses()) {
                            nets.add(new InterfaceNet(HbaClient.unmapped(ia.getAddress()), ia.getNetworkPrefixLength()));
                        }
                    }
                } catch (java.net.SocketException e) {
                    // No interface list: samehost/samenet then match nothing, which refuses rather than admits.
                }
                return List.copyOf(nets);
            };
        }
    }
}
