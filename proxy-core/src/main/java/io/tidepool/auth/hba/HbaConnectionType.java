package io.tidepool.auth.hba;

import java.util.Locale;
import java.util.Optional;

/** The first field of a pool_hba.conf line: which connections the line is about. */
public enum HbaConnectionType {
    /** Unix-domain socket connections. */
    LOCAL("local"),
    /** TCP connections, with or without TLS. */
    HOST("host"),
    /** TCP connections that negotiated TLS. */
    HOSTSSL("hostssl"),
    /** TCP connections without TLS. */
    HOSTNOSSL("hostnossl");

    private final String keyword;

    HbaConnectionType(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    public static Optional<HbaConnectionType> ofKeyword(String keyword) {
        String lower = keyword.toLowerCase(Locale.ROOT);
        for (HbaConnectionType type : values()) {
            if (type.keyword.equals(lower)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** Whether a connection of this kind is covered by a line of this type. */
    boolean covers(boolean local, boolean ssl) {
        return switch (this) {
            case LOCAL -> local;
            case HOST -> !local;
            case HOSTSSL -> !local && ssl;
            case HOSTNOSSL -> !local && !ssl;
        };
    }
}
