package io.tidepool.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.tidepool.auth.AuthFailure;
import io.tidepool.auth.AuthStep;
import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.BackendAuthenticator;
import io.tidepool.auth.ClientIdentity;
import io.tidepool.auth.FrontendAuthenticator;
import io.tidepool.auth.hba.HbaClient;
import io.tidepool.auth.hba.HbaRule;
import io.tidepool.auth.tls.ServerTls;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.frontend.StartupMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
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
 */
final class ProxyAuthentication {

    private static final Logger log = LoggerFactory.getLogger(ProxyAuthentication.class);

    /** pool_hba.conf matches that need DNS run here, never on an event loop. */
    private static final Executor LOOKUPS = lookupPool();

    private final AuthenticationServices auth;
    private final FrontendAuthenticator frontend;
    private final HbaClient client;
    private final Optional<String> certificateCommonName;
    private ClientIdentity identity;
    private byte[] finalFrames;
    private BackendAuthenticator backend;

    private ProxyAuthentication(AuthenticationServices auth, HbaClient client, Optional<String> certificateCommonName) {
        this.auth = auth;
        this.frontend = auth.newFrontendAuthenticator();
        this.client = client;
        this.certificateCommonName = certificateCommonName;
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

    /** The StartupMessage for the backend: the client's, with the mapped backend user when pool_passwd maps one. */
    StartupMessage backendStartup(StartupMessage clientStartup) {
        String backendUser = identity.backend().user();
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
        if (backend == null) {
            backend = auth.newBackendAuthenticator(backendName, identity.backend());
        }
        return backend.onRequest(ByteBufUtil.getBytes(body));
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
