package io.tidepool.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.tidepool.auth.AuthFailure;
import io.tidepool.auth.AuthStep;
import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.BackendAuthenticator;
import io.tidepool.auth.BackendCredentials;
import io.tidepool.auth.ClientIdentity;
import io.tidepool.auth.FrontendAuthenticator;
import io.tidepool.auth.hba.HbaClient;
import io.tidepool.auth.hba.HbaMethod;
import io.tidepool.auth.hba.HbaRule;
import io.tidepool.auth.tls.ServerTls;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.frontend.StartupMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The part of a {@link ClientSession} that authenticates the client on the proxy's own account
 * and then logs in to the backend with pool_passwd credentials (DESIGN hard part 6): the
 * session's glue to {@link FrontendAuthenticator} and {@link BackendAuthenticator}. Confined to
 * the session's event loop; one per session that does not relay.
 *
 * <h2>Which method the client is asked for</h2>
 * <ul>
 *   <li>{@code enable_pool_hba = on}: the first matching pool_hba.conf line decides
 *       ({@link #start()}); the backend is connected only once the client is in.</li>
 *   <li>{@code enable_pool_hba = off} with several backends ({@link #mirrorsBackend()}): the
 *       method the main backend asks for, as pgpool-II does. The session connects the main
 *       backend first and hands its first Authentication request to {@link #startMirroring}: trust
 *       admits the client, cleartext asks for a password, md5 runs an md5 challenge and SASL a
 *       SCRAM exchange, each checked against the user's pool_passwd entry (not relayed: the same
 *       secret must let the proxy in to every standby). The held request is answered from
 *       pool_passwd once the client is in ({@link #resumeBackend}). A user whose entry cannot
 *       check that method, or who has none, goes through the same exchange and gets the same
 *       28P01 as a wrong password, with a hint naming pool_passwd; with
 *       {@code allow_clear_text_frontend_auth} such a client is asked for a clear-text password
 *       instead (see {@link FrontendAuthenticator}).</li>
 * </ul>
 */
final class ProxyAuthentication {

    private static final Logger log = LoggerFactory.getLogger(ProxyAuthentication.class);

    /** pool_hba.conf matches that need DNS run here, never on an event loop. */
    private static final Executor LOOKUPS = lookupPool();

    private final AuthenticationServices auth;
    private final FrontendAuthenticator frontend;
    private final HbaClient client;
    private final Optional<String> certificateCommonName;
    /** pool_hba.conf was off when the client arrived: the main backend's request picks the method. */
    private final boolean mirrorsBackend;
    /** Mirror mode: the main backend's first Authentication request body, answered once the client is in. */
    private byte[] heldBackendRequest;
    /** Mirror mode: the user the backend StartupMessage named, chosen before the client was in. */
    private String backendUserSent;
    private ClientIdentity identity;
    private byte[] finalFrames;
    private BackendAuthenticator backend;

    private ProxyAuthentication(AuthenticationServices auth, HbaClient client, Optional<String> certificateCommonName) {
        this.auth = auth;
        this.frontend = auth.newFrontendAuthenticator();
        this.client = client;
        this.certificateCommonName = certificateCommonName;
        this.mirrorsBackend = auth.poolHba().isEmpty();
    }

    /** Describes the client the way pool_hba.conf sees it: address, TLS, user, database, certificate. */
    static ProxyAuthentication forClient(AuthenticationServices auth, Channel channel, StartupMessage startup) {
        String user = startup.user().orElse("");
        String database = startup.database().orElse(user);
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        HbaClient hbaClient = channel.remoteAddress() instanceof InetSocketAddress inet
                ? HbaClient.tcp(inet.getAddress(), ssl != null, user, database)
                : HbaClient.local(user, database);
        Optional<String> cn = ssl == null ? Optional.empty() : ServerTls.clientCommonName(ssl.engine().getSession());
        return new ProxyAuthentication(auth, hbaClient, cn);
    }

    /**
     * Matches pool_hba.conf and starts the exchange. Completes on the caller's thread when no
     * DNS is needed; otherwise on the look-up pool (the session hops back to its loop).
     */
    CompletableFuture<AuthStep> start() {
        if (mirrorsBackend) {
            throw new IllegalStateException("pool_hba.conf is off: the main backend's request decides the method");
        }
        boolean needsDns = auth.poolHba().map(hba -> hba.needsHostNameLookups()).orElse(false);
        if (!needsDns) {
            return CompletableFuture.completedFuture(frontend.start(client, auth.match(client), certificateCommonName));
        }
        return CompletableFuture.supplyAsync(() -> auth.match(client), LOOKUPS)
                .thenApply(rule -> startWith(rule));
    }

    private AuthStep startWith(Optional<HbaRule> rule) {
        return frontend.start(client, rule, certificateCommonName);
    }

    /** The client's answer, the body of its 'p' message. Ownership: {@code body} is borrowed. */
    AuthStep onClientResponse(ByteBuf body) {
        return frontend.onResponse(ByteBufUtil.getBytes(body));
    }

    /** The client is in: remember what to tell it once the backend has let the proxy in too. */
    void admitted(AuthStep.Accepted accepted) {
        identity = accepted.identity();
        finalFrames = accepted.finalFrames();
    }

    ClientIdentity identity() {
        return identity;
    }

    /** SASLFinal (after SCRAM) and AuthenticationOk, to send once the backend login succeeded. */
    byte[] finalFrames() {
        return finalFrames.clone();
    }

    /**
     * The StartupMessage for the backend: the client's, with the mapped backend user when
     * pool_passwd maps one. In mirror mode it is sent before the client is in, so the mapping is
     * read from pool_passwd now and checked again once the client is in ({@link #resumeBackend}).
     */
    StartupMessage backendStartup(StartupMessage clientStartup) {
        String backendUser = identity != null ? identity.backend().user() : auth.backendCredentials(client.user()).user();
        backendUserSent = backendUser;
        if (backendUser.equals(clientStartup.user().orElse(""))) {
            return clientStartup;
        }
        Map<String, String> parameters = new LinkedHashMap<>(clientStartup.parameters());
        parameters.put("database", clientStartup.database().orElse(identity.user()));
        parameters.put("user", backendUser);
        return new StartupMessage(clientStartup.protocolVersion(), parameters);
    }

    /** The backend's Authentication request body. Ownership: {@code body} is borrowed. */
    BackendAuthenticator.Step onBackendRequest(String backendName, ByteBuf body) {
        return onBackendRequest(backendName, ByteBufUtil.getBytes(body));
    }

    private BackendAuthenticator.Step onBackendRequest(String backendName, byte[] body) {
        if (backend == null) {
            backend = auth.newBackendAuthenticator(backendName, identity.backend());
        }
        return backend.onRequest(body);
    }

    /** Whether {@code enable_pool_hba} was off when the client arrived (see the class comment). */
    boolean mirrorsBackend() {
        return mirrorsBackend;
    }

    /** Mirror mode: whether the client has yet to be asked (the backend's request arrives first). */
    boolean awaitsMirroredRequest() {
        return mirrorsBackend && identity == null && heldBackendRequest == null;
    }

    /**
     * Mirror mode: the main backend's first Authentication request picks the client's method and
     * is kept until the client is in. A request no method mirrors (GSSAPI, SSPI, a SASL
     * continuation out of turn, garbage) refuses the client with the backend authenticator's
     * words for it. Ownership: {@code body} is borrowed.
     */
    AuthStep startMirroring(String backendName, ByteBuf body) {
        if (!awaitsMirroredRequest()) {
            throw new IllegalStateException("the backend's first request was already taken");
        }
        byte[] request = ByteBufUtil.getBytes(body);
        int code = request.length >= 4 ? ByteBuffer.wrap(request).getInt() : -1;
        Optional<HbaMethod> method = AuthenticationServices.methodMirroring(code);
        if (method.isEmpty()) {
            BackendAuthenticator.Step step = auth.newBackendAuthenticator(backendName,
                    BackendCredentials.none(client.user())).onRequest(request);
            if (step instanceof BackendAuthenticator.Step.Failed failed) {
                return new AuthStep.Refused(failed.failure());
            }
            throw new IllegalStateException("request code " + code + " is neither mirrored nor refused");
        }
        heldBackendRequest = request;
        return frontend.start(client.user(), method.get(), certificateCommonName);
    }

    /**
     * Mirror mode, once the client is in: answers the held request from the identity's pool_passwd
     * credentials. If pool_passwd was reloaded during the login and now maps the client to another
     * backend user, the login fails rather than answer for a user the StartupMessage did not name.
     */
    BackendAuthenticator.Step resumeBackend(String backendName) {
        byte[] request = heldBackendRequest;
        heldBackendRequest = null;
        if (request == null || identity == null) {
            throw new IllegalStateException("no held backend request, or the client is not in");
        }
        if (!identity.backend().user().equals(backendUserSent)) {
            return new BackendAuthenticator.Step.Failed(AuthFailure.authorization(
                    "pool_passwd changed during the login; reconnect",
                    "pool_passwd now maps the user to \"" + identity.backend().user() + "\", the backend was asked for \""
                            + backendUserSent + "\""));
        }
        return onBackendRequest(backendName, request);
    }

    /**
     * The credentials further nodes are logged in with: the admitted identity's; for a mirror-mode
     * session that got a pooled connection (only trust logins are pooled, so the client was never
     * asked), pool_passwd's for the user, as the trust method would have given.
     */
    BackendCredentials backendCredentials() {
        return identity != null ? identity.backend() : auth.backendCredentials(client.user());
    }

    /** The one mapping from an authentication failure to what the client sees; the real reason goes to the log. */
    static PgException toPgException(AuthFailure failure, HbaClient client) {
        log.info("authentication of user \"{}\" from {} refused: {}", client.user(),
                client.address().map(a -> a.getHostAddress()).orElse("[local]"), failure.logDetail());
        SqlState state = SqlState.ofCode(failure.sqlState()).orElse(SqlState.INVALID_AUTHORIZATION_SPECIFICATION);
        return new PgException(Severity.FATAL, state, failure.message(), null, failure.hint().orElse(null));
    }

    HbaClient client() {
        return client;
    }

    private static Executor lookupPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024),
                runnable -> {
                    Thread thread = new Thread(runnable, "tidepool-hba-lookup");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
