package io.tidepool.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.tidepool.auth.AuthFailure;
import io.tidepool.auth.AuthenticationServices;
import io.tidepool.auth.BackendAuthenticator;
import io.tidepool.auth.BackendCredentials;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.backend.Authentication;
import io.tidepool.session.BackendLogin;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Logs a streaming session in to further nodes with the credentials the proxy used for the main
 * node (pool_passwd, DESIGN hard part 6): only for a session whose client the proxy
 * authenticated itself. Each node gets its own {@link BackendAuthenticator}, so md5 salts and
 * SCRAM exchanges are never shared between connections.
 *
 * <p>Confined to the session's event loop, like the links that call it.
 */
final class PoolPasswdLogin implements BackendLogin {

    private final AuthenticationServices auth;
    private final BackendCredentials credentials;
    /** The exchange in progress per node description; removed when it ends either way. */
    private final Map<String, BackendAuthenticator> inProgress = new HashMap<>();

    PoolPasswdLogin(AuthenticationServices auth, BackendCredentials credentials) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /** A secret from pool_passwd, not a password the client typed that nobody could check. */
    @Override
    public boolean sharesPasswordLogins() {
        return credentials.secret().isPresent() && !credentials.mustBeChecked();
    }

    @Override
    public Optional<ByteBuf> answer(Authentication request, String nodeDescription, ByteBufAllocator alloc) {
        BackendAuthenticator authenticator = authenticatorFor(request, nodeDescription);
        BackendAuthenticator.Step step = authenticator.onRequest(body(request));
        if (step instanceof BackendAuthenticator.Step.Respond respond) {
            byte[] frame = respond.frame();
            return Optional.of(alloc.buffer(frame.length).writeBytes(frame));
        }
        if (step instanceof BackendAuthenticator.Step.Wait) {
            return Optional.empty();
        }
        inProgress.remove(nodeDescription);
        if (step instanceof BackendAuthenticator.Step.Failed failed) {
            throw toPgException(failed.failure());
        }
        return Optional.empty();
    }

    /**
     * A request that opens an exchange (password, md5, SASL) starts a fresh authenticator, so a
     * node whose earlier login broke off mid-way starts clean; continuations and the final
     * AuthenticationOk go to the exchange in progress.
     */
    private BackendAuthenticator authenticatorFor(Authentication request, String node) {
        boolean opens = request instanceof Authentication.CleartextPassword
                || request instanceof Authentication.Md5Password
                || request instanceof Authentication.Sasl;
        BackendAuthenticator current = inProgress.get(node);
        if (opens || current == null) {
            current = auth.newBackendAuthenticator(node, credentials);
            inProgress.put(node, current);
        }
        return current;
    }

    private static byte[] body(Authentication request) {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeInt(request.code());
            request.encodeBody(out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    /** Not FATAL: the session goes on with the nodes it has; the reason names the node and the fix. */
    private static PgException toPgException(AuthFailure failure) {
        SqlState state = SqlState.ofCode(failure.sqlState()).orElse(SqlState.INVALID_AUTHORIZATION_SPECIFICATION);
        return new PgException(Severity.ERROR, state, failure.message(), null, failure.hint().orElse(null));
    }
}
