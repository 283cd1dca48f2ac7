package io.tidepool.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * What the proxy logs in to a backend with.
 *
 * @param user            the backend user (pool_passwd may map a client user to another)
 * @param secret          the password or its hash; empty when there is nothing (the backend must trust)
 * @param mustBeChecked   true when the password came from the client and the proxy could not
 *                        check it (no pool_passwd entry): the backend must ask for it, and a
 *                        backend that lets the login in without asking is treated as a refusal.
 *                        This is the lesson of CVE-2025-46801: a password nobody checked
 *                        must never open a session.
 */
public record BackendCredentials(String user, Optional<UserSecret> secret, boolean mustBeChecked) {

    public BackendCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
    }

    /** No password at all: only a trusting backend lets this in. */
    public static BackendCredentials none(String user) {
        return new BackendCredentials(user, Optional.empty(), false);
    }

    /** A clear-text password a client gave and the proxy could not check. */
    public static BackendCredentials unverifiedFromClient(String user, String password) {
        return new BackendCredentials(user, Optional.of(new UserSecret.ClearText(password)), true);
    }
}
