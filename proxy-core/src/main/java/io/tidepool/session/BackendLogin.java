package io.tidepool.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tidepool.protocol.PgException;
import io.tidepool.protocol.Severity;
import io.tidepool.protocol.SqlState;
import io.tidepool.protocol.backend.Authentication;
import io.tidepool.protocol.frontend.PasswordMessage;

import java.util.Optional;

/**
 * How a session logs in to a node other than the one the client authenticated against (DESIGN
 * hard part 6). The startup packet is the one the main node got; this answers the server's authentication
 * requests. {@link #relayed} when the client's own exchange was relayed; when the proxy
 * authenticated the client itself, {@code frontend.PoolPasswdLogin} answers any method from pool_passwd.
 */
public interface BackendLogin {

    /**
     * The answer to {@code request} from {@code nodeDescription}, or empty when it needs none
     * ({@code AuthenticationOk}). Ownership: the returned buffer goes to the caller.
     *
     * @throws PgException 28000 when this login cannot answer that method
     */
    Optional<ByteBuf> answer(Authentication request, String nodeDescription, ByteBufAllocator alloc);

    /**
     * Whether the nodes' password logins of this session may be pooled and taken: only when the
     * proxy admitted the client itself and answers the nodes with a pool_passwd secret it checked
     * the client against (see {@code BackendPool}). A relayed login never shares.
     */
    default boolean sharesPasswordLogins() {
        return false;
    }

    /**
     * What a relaying session can do by itself: trust, and a cleartext password the client typed
     * for the main node (replayed as it was). An MD5 challenge carries a per-connection salt and
     * SCRAM binds the exchange to the connection, so neither can be replayed: those need
     * pool_passwd credentials.
     */
    static BackendLogin relayed(Optional<String> cleartextPassword) {
        return (request, node, alloc) -> {
            if (request instanceof Authentication.Ok) {
                return Optional.empty();
            }
            if (request instanceof Authentication.CleartextPassword && cleartextPassword.isPresent()) {
                ByteBuf out = alloc.buffer();
                new PasswordMessage(cleartextPassword.get()).encode(out);
                return Optional.of(out);
            }
            throw new PgException(Severity.ERROR, SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "cannot log in to " + node + ": it asks for " + request + " authentication, which the proxy"
                            + " cannot replay for this client", null,
                    "allow trust (or password) from the proxy for this user in that node's pg_hba.conf, or give the"
                            + " proxy this user's password in pool_passwd");
        };
    }
}
