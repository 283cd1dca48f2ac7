package io.tidepool.auth.hba;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of pool_hba.conf.
 *
 * @param file       the file it came from (for messages)
 * @param line       its line number (the first line of a continued line)
 * @param type       which connections it covers
 * @param databases  the database field
 * @param users      the user field
 * @param address    the address field; empty for {@code local} lines
 * @param method     what to do with a connection it matches
 * @param clientCert whether and how a TLS client certificate is required
 * @param options    the {@code name=value} options as written
 */
public record HbaRule(String file, int line, HbaConnectionType type, HbaNames databases, HbaNames users,
                      Optional<HbaAddress> address, HbaMethod method, ClientCertCheck clientCert,
                      Map<String, String> options) {

    /** {@code clientcert=...}: PostgreSQL's two levels of checking a client certificate. */
    public enum ClientCertCheck {
        /** No certificate is asked for. */
        NONE,
        /** The certificate must chain to a trusted CA. */
        VERIFY_CA,
        /** As {@link #VERIFY_CA}, and its common name must be the user name. */
        VERIFY_FULL
    }

    public HbaRule {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(method, "method");
        options = Map.copyOf(options);
    }

    /** {@code pool_hba.conf:12}. */
    public String location() {
        return file + ":" + line;
    }
}
