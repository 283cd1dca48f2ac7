package io.tidepool.auth;

import io.tidepool.auth.hba.HbaAddress;
import io.tidepool.auth.hba.HbaClient;
import io.tidepool.auth.hba.HbaMethod;
import io.tidepool.auth.hba.HbaRule;
import io.tidepool.auth.hba.HostResolver;
import io.tidepool.auth.hba.PoolHba;
import io.tidepool.auth.hba.PoolHbaHolder;
import io.tidepool.auth.tls.BackendTls;
import io.tidepool.auth.tls.EcdhCurve;
import io.tidepool.auth.tls.ServerTls;
import io.tidepool.auth.tls.ServerTlsHolder;
import io.tidepool.auth.tls.TlsConfigException;
import io.tidepool.auth.tls.TlsSettings;
import io.tidepool.config.ConfigException;
import io.tidepool.config.ConfigProblem;
import io.tidepool.config.PgpoolConfig;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a session needs to authenticate clients and log in to backends, built from
 * pgpool.conf and swapped on reload: the one object the server hands to its sessions.
 * Thread-safe: every part is immutable or read through a volatile.
 *
 * <h2>When the proxy authenticates clients itself</h2>
 * With {@code enable_pool_hba = on}, or with more than one backend outside raw mode (a SCRAM
 * exchange cannot be relayed to several servers, DESIGN hard part 6), see
 * {@link #proxyAuthenticates}. Otherwise (one backend, or raw mode, pool_hba off) the session
 * relays the backend's exchange unchanged, as pgpool-II does.
 *
 * <h2>{@code enable_pool_hba = off} with several backends</h2>
 * pgpool-II then authenticates the client with the method the main backend asks for, using
 * pool_passwd. Tidepool does the same: {@link #methodMirroring(int)} turns the main backend's
 * first Authentication request into the method for {@link FrontendAuthenticator#start(String,
 * HbaMethod, Optional)}.
 */
public final class AuthenticationServices {

    private final SecureRandom random = new SecureRandom();
    private final Optional<PoolKey> poolKey;
    private final java.nio.file.Path hbaFile;
    private volatile Optional<PoolHbaHolder> hba;
    private final PoolPasswdStore passwords;
    private final ServerTlsHolder serverTls;
    private volatile Optional<BackendTls> backendTls;
    private volatile FrontendAuthenticator.Settings frontendSettings;

    private AuthenticationServices(Optional<PoolKey> poolKey, java.nio.file.Path hbaFile, Optional<PoolHbaHolder> hba,
                                   PoolPasswdStore passwords,
                                   ServerTlsHolder serverTls, Optional<BackendTls> backendTls,
                                   FrontendAuthenticator.Settings frontendSettings) {
        this.poolKey = poolKey;
        this.hbaFile = hbaFile;
        this.hba = hba;
        this.passwords = passwords;
        this.serverTls = serverTls;
        this.backendTls = backendTls;
        this.frontendSettings = frontendSettings;
    }

    /**
     * Loads pool_hba.conf (when enabled), pool_passwd and the TLS material at start; any
     * problem stops the start with file and line.
     *
     * @param poolKey the key for AES entries (pgpool's {@code -k}, {@code PGPOOLKEYFILE} or
     *                {@code ~/.pgpoolkey}), when one was found
     */
    public static AuthenticationServices load(PgpoolConfig config, Optional<PoolKey> poolKey) throws ConfigException {
        return load(config, config.poolHbaFile(), poolKey);
    }

    /** As {@link #load(PgpoolConfig, Optional)} with pool_hba.conf somewhere else (pgpool's {@code -a}). */
    public static AuthenticationServices load(PgpoolConfig config, java.nio.file.Path hbaFile, Optional<PoolKey> poolKey)
            throws ConfigException {
        Optional<PoolHbaHolder> hba = config.getBoolean("enable_pool_hba")
                ? Optional.of(PoolHbaHolder.load(hbaFile)) : Optional.empty();
        PoolPasswdStore passwords;
        try {
            passwords = PoolPasswdStore.load(config.poolPasswdFile(), poolKey);
        } catch (IOException e) {
            throw problem(config.poolPasswdFile().map(Object::toString).orElse("pool_passwd"), "cannot read: " + e.getMessage());
        }
        TlsSettings tls = TlsSettings.fromConfig(config);
        try {
            if (tls.enabled()) {
                EcdhCurve.applyProcessWide(tls.ecdhCurve(), tls.certificate());
            }
            SecureRandom random = new SecureRandom();
            return new AuthenticationServices(poolKey, hbaFile, hba, passwords, ServerTlsHolder.load(tls), BackendTls.build(tls),
                    FrontendAuthenticator.Settings.of(config.getBoolean("allow_clear_text_frontend_auth"), random));
        } catch (TlsConfigException e) {
            throw problem("pgpool.conf", e.getMessage());
        }
    }

    /**
     * Applies the TLS settings Java reads once per process ({@code ssl_ecdh_curve}, see
     * {@link EcdhCurve}) when {@code ssl} is on. A server calls it first thing at start, before
     * its health checks open the first TLS connection; {@link #load} calls it too. An invalid
     * value is left for {@link #load} to report.
     */
    public static void prepareProcess(PgpoolConfig config) {
        TlsSettings tls = TlsSettings.fromConfig(config);
        if (!tls.enabled()) {
            return;
        }
        try {
            EcdhCurve.applyProcessWide(tls.ecdhCurve(), tls.certificate());
        } catch (TlsConfigException e) {
            org.slf4j.LoggerFactory.getLogger(AuthenticationServices.class).debug("reported at load: {}", e.getMessage());
        }
    }

    private static ConfigException problem(String file, String message) {
        return new ConfigException(List.of(new ConfigProblem(file, 0, message)));
    }

    /**
     * Applies a reloaded pgpool.conf: pool_hba.conf and pool_passwd are re-read, TLS rebuilt;
     * a part that cannot be loaded keeps its previous state (each logs why).
     */
    public void reload(PgpoolConfig config) {
        if (config.getBoolean("enable_pool_hba")) {
            Optional<PoolHbaHolder> current = hba;
            if (current.isPresent()) {
                current.get().reload();
            } else {
                try {
                    hba = Optional.of(PoolHbaHolder.load(hbaFile));
                } catch (ConfigException e) {
                    org.slf4j.LoggerFactory.getLogger(AuthenticationServices.class)
                            .error("enable_pool_hba stays as it was: {}", e.getMessage());
                }
            }
        } else {
            hba = Optional.empty();
        }
        passwords.reload(poolKey);
        TlsSettings tls = TlsSettings.fromConfig(config);
        if (serverTls.reload(tls)) {
            try {
                backendTls = BackendTls.build(tls);
            } catch (TlsConfigException e) {
                org.slf4j.LoggerFactory.getLogger(AuthenticationServices.class)
                        .error("backend TLS not reloaded: {}", e.getMessage());
            }
        }
        FrontendAuthenticator.Settings old = frontendSettings;
        frontendSettings = new FrontendAuthenticator.Settings(config.getBoolean("allow_clear_text_frontend_auth"),
                old.mockSecret(), old.scramIterations());
    }

    /** Whether the session must authenticate the client itself instead of relaying. */
    public boolean proxyAuthenticates(int backendCount, boolean rawMode) {
        return hba.isPresent() || (backendCount > 1 && !rawMode);
    }

    /** pool_hba.conf in force; empty while {@code enable_pool_hba} is off. */
    public Optional<PoolHba> poolHba() {
        return hba.map(PoolHbaHolder::current);
    }

    /**
     * The pool_hba.conf rule for a client. May block on DNS when a rule names a host
     * ({@link PoolHba#needsHostNameLookups()}): call it on the blocking executor then.
     */
    public Optional<HbaRule> match(HbaClient client) {
        return poolHba().flatMap(rules -> rules.match(client, HostResolver.system(), HbaAddress.LocalNetworks.system()));
    }

    public FrontendAuthenticator newFrontendAuthenticator() {
        return new FrontendAuthenticator(frontendSettings, passwords, random);
    }

    /** What to log in to a backend with when the client was relayed or trusted: pool_passwd's entry, else nothing. */
    public BackendCredentials backendCredentials(String user) {
        return passwords.backendCredentials(user).orElseGet(() -> BackendCredentials.none(user));
    }

    public BackendAuthenticator newBackendAuthenticator(String backendName, BackendCredentials credentials) {
        return new BackendAuthenticator(Objects.requireNonNull(backendName), credentials, random);
    }

    /** The client-side TLS context; empty while {@code ssl} is off (answer SSLRequest with 'N'). */
    public Optional<ServerTls> serverTls() {
        return serverTls.current();
    }

    /** TLS towards backends; empty while {@code ssl} is off. */
    public Optional<BackendTls> backendTls() {
        return backendTls;
    }

    public PoolPasswdStore passwords() {
        return passwords;
    }

    /**
     * {@code enable_pool_hba = off} with several backends: the client method that mirrors the
     * main backend's first Authentication request code (0 trust, 3 password, 5 md5, 10 SCRAM).
     */
    public static Optional<HbaMethod> methodMirroring(int requestCode) {
        return switch (requestCode) {
            case AuthStep.AUTHENTICATION_OK -> Optional.of(HbaMethod.TRUST);
            case AuthStep.CLEARTEXT_PASSWORD -> Optional.of(HbaMethod.PASSWORD);
            case AuthStep.MD5_PASSWORD -> Optional.of(HbaMethod.MD5);
            case AuthStep.SASL -> Optional.of(HbaMethod.SCRAM_SHA_256);
            default -> Optional.empty();
        };
    }
}
