package io.tidepool.auth;

import io.tidepool.auth.hba.HbaMethod;

import java.util.Objects;

/**
 * A client the proxy has let in.
 *
 * @param user    the user of the StartupMessage
 * @param method  the pool_hba.conf method that admitted it
 * @param backend what to log in to the backends with
 */
public record ClientIdentity(String user, HbaMethod method, BackendCredentials backend) {
    public ClientIdentity {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(backend, "backend");
    }
}
