package io.tidepool.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a login was refused: what the client is told (SQLSTATE and message, the same for every
 * cause a client must not be able to tell apart) and what only the log gets.
 *
 * @param sqlState  five-character SQLSTATE, e.g. {@code 28P01}
 * @param message   the client's message (lower-case start)
 * @param hint      an optional hint for the client
 * @param logDetail the real reason, for the proxy log only
 */
public record AuthFailure(String sqlState, String message, Optional<String> hint, String logDetail) {

    /** invalid_password: wrong password, unknown user, unusable entry: all look alike. */
    public static final String INVALID_PASSWORD = "28P01";
    /** invalid_authorization_specification: refused by pool_hba.conf or by certificate. */
    public static final String INVALID_AUTHORIZATION = "28000";
    /** protocol_violation: the client broke the exchange's grammar. */
    public static final String PROTOCOL_VIOLATION = "08P01";
    /** feature_not_supported: the backend asked for a method the proxy cannot answer. */
    public static final String FEATURE_NOT_SUPPORTED = "0A000";

    public AuthFailure {
        Objects.requireNonNull(sqlState, "sqlState");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(logDetail, "logDetail");
    }

    /** The one message for every password failure, whether the user exists or not. */
    public static AuthFailure passwordFailed(String user, String logDetail) {
        return new AuthFailure(INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"",
                Optional.empty(), logDetail);
    }

    /**
     * A client's password the proxy checked against pool_passwd and found wanting (or could not
     * check): {@link #passwordFailed}'s message, with a hint that names pool_passwd. The hint is
     * the same for every cause, so it tells a client nothing about whether the user exists.
     */
    public static AuthFailure clientPasswordFailed(String user, String logDetail) {
        return new AuthFailure(INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"",
                Optional.of(POOL_PASSWD_HINT), logDetail);
    }

    /**
     * An empty answer to a cleartext or md5 request: refused before the user's entry is looked
     * at, with PostgreSQL's SQLSTATE and message (so, like PostgreSQL, the same for every user).
     */
    public static AuthFailure emptyPassword(String user) {
        return new AuthFailure(INVALID_PASSWORD, "empty password returned by client", Optional.empty(),
                "empty password for user \"" + user + "\"");
    }

    /** What to check when the proxy refused a password: its copy is pool_passwd's, not the server's. */
    public static final String POOL_PASSWD_HINT = "Tidepool checks the password against pool_passwd, not the database "
            + "server: give the user an entry with the current password (tidepool pg_enc -m, or tidepool pg_md5 -m for md5)";

    public static AuthFailure authorization(String message, String logDetail) {
        return new AuthFailure(INVALID_AUTHORIZATION, message, Optional.empty(), logDetail);
    }

    public static AuthFailure protocol(String message) {
        return new AuthFailure(PROTOCOL_VIOLATION, message, Optional.empty(), message);
    }
}
