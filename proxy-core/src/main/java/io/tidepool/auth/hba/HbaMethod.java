package io.tidepool.auth.hba;

import java.util.Locale;
import java.util.Optional;

/** The authentication methods a pool_hba.conf line may name, as Tidepool implements them. */
public enum HbaMethod {
    /** Let the client in without a password. */
    TRUST("trust"),
    /** Refuse the connection. */
    REJECT("reject"),
    /** Ask for the password in clear text (only sensible over TLS). */
    PASSWORD("password"),
    /** Salted MD5 challenge. */
    MD5("md5"),
    /** SCRAM-SHA-256 (RFC 7677), the exchange PostgreSQL uses. */
    SCRAM_SHA_256("scram-sha-256"),
    /** The TLS client certificate's common name must be the user name. */
    CERT("cert");

    private final String keyword;

    HbaMethod(String keyword) {
        this.keyword = keyword;
    }

    /** As written in pool_hba.conf. */
    public String keyword() {
        return keyword;
    }

    public static Optional<HbaMethod> ofKeyword(String keyword) {
        String lower = keyword.toLowerCase(Locale.ROOT);
        for (HbaMethod method : values()) {
            if (method.keyword.equals(lower)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }

    /** True for the methods whose exchange carries a password. */
    public boolean usesPassword() {
        return this == PASSWORD || this == MD5 || this == SCRAM_SHA_256;
    }
}
