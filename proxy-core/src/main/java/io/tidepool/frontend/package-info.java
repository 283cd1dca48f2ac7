/**
 * The client side of the proxy: {@link io.tidepool.frontend.ClientSession}, one per client
 * connection, owns the session state machine (startup, SSL/GSSENC answers, authentication,
 * forwarding, cancel, ending with an SQLSTATE). {@link io.tidepool.frontend.SessionServices}
 * is all that sessions share; {@link io.tidepool.frontend.SessionAdmission} is num_init_children
 * (served sessions, a bounded FIFO queue, 53300 past it). In streaming and logical replication
 * mode an authenticated session hands over to {@link io.tidepool.session.MultiNodeSession}.
 *
 * <p>A session and the backend connections it uses run on one event loop; nothing here is
 * locked.
 *
 * <h2>Authentication and TLS ({@link io.tidepool.auth})</h2>
 * {@link io.tidepool.frontend.SessionServices#authentication()} holds pool_hba.conf, pool_passwd
 * and the TLS contexts; without it a session relays and answers SSLRequest with 'N'. With it:
 * <ul>
 *   <li>SSLRequest is answered 'S' when {@code ssl = on} and TLS is put first in the pipeline;
 *       bytes sent behind the SSLRequest before the handshake are refused (08P01).</li>
 *   <li>With {@code enable_pool_hba = on} the session authenticates the client itself
 *       (phase CLIENT_AUTH, {@link io.tidepool.frontend.ProxyAuthentication}), connects the
 *       backend only after that, answers the backend's Authentication requests from
 *       pool_passwd, and sends the client SASLFinal + AuthenticationOk only once the backend
 *       accepted the proxy.</li>
 *   <li>With pool_hba off and several backends in streaming or logical replication mode the
 *       proxy authenticates the client too, with the method the main backend asks for: the
 *       main backend is connected first, its first request is held while the client is asked
 *       the same way and checked against pool_passwd, then answered from pool_passwd.</li>
 *   <li>Otherwise (pool_hba off and one backend, or raw mode) the backend's exchange is relayed.</li>
 *   <li>With {@code ssl = on} a backend is asked for TLS before the StartupMessage
 *       ({@link io.tidepool.auth.tls.BackendSslNegotiator}).</li>
 * </ul>
 * Standbys are logged in to with the same {@link io.tidepool.auth.ClientIdentity}'s credentials,
 * one {@code BackendAuthenticator} per node ({@link io.tidepool.frontend.PoolPasswdLogin}).
 */
package io.tidepool.frontend;
