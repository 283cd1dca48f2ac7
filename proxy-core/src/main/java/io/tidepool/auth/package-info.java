/**
 * Authentication: pool_passwd (spec {@code shared/spec/pgpool-interfaces.md} section 4), the
 * client-side exchange the proxy runs itself, the backend login, and their wiring (DESIGN
 * hard part 6). pool_hba.conf lives in {@link io.tidepool.auth.hba}, TLS in
 * {@link io.tidepool.auth.tls}.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.tidepool.auth.PoolPasswdFile}, {@link io.tidepool.auth.PoolPasswdEntry},
 *       {@link io.tidepool.auth.AesPasswordCipher}, {@link io.tidepool.auth.PoolKey},
 *       {@link io.tidepool.auth.Md5Hash}: the file formats.
 *       {@link io.tidepool.auth.PoolPasswdStore} holds the entries in force and reads each as a
 *       {@link io.tidepool.auth.UserSecret} (clear text, md5 shadow, SCRAM verifier, unusable).</li>
 *   <li>{@link io.tidepool.auth.FrontendAuthenticator}: one client login as a socket-free state
 *       machine; it returns {@link io.tidepool.auth.AuthStep}s (send this request, admitted,
 *       refused) and takes the client's 'p' message bodies.</li>
 *   <li>{@link io.tidepool.auth.BackendAuthenticator}: one backend login, equally socket-free,
 *       answering trust, cleartext, md5 and SCRAM from {@link io.tidepool.auth.BackendCredentials}.</li>
 *   <li>{@link io.tidepool.auth.ScramServerExchange}, {@link io.tidepool.auth.ScramClientExchange},
 *       {@link io.tidepool.auth.ScramVerifier}, {@link io.tidepool.auth.ScramSha256}: SCRAM-SHA-256
 *       on the JDK's primitives (why not a library: see {@code ScramSha256}).</li>
 *   <li>{@link io.tidepool.auth.AuthenticationServices}: all of it built from pgpool.conf and
 *       reloaded with it; the one object a session needs.</li>
 * </ul>
 *
 * <h2>Wiring into a client session</h2>
 * <pre>{@code
 * // startup phase
 * SSLRequest      -> auth.serverTls(): present ? write 'S', pipeline.addFirst(tls.newHandler(alloc)) : write 'N'
 * StartupMessage  -> if (!auth.proxyAuthenticates(backends, raw)) relay as in raw mode; else:
 *   HbaClient c = HbaClient.tcp(peer, tlsActive, user, database)      // or HbaClient.local(...)
 *   Optional<String> cn = tlsActive ? ServerTls.clientCommonName(sslEngine.getSession()) : Optional.empty();
 *   FrontendAuthenticator fa = auth.newFrontendAuthenticator();
 *   step = fa.start(c, auth.match(c), cn);   // match() off the event loop if poolHba().needsHostNameLookups()
 * loop: Challenge -> write challenge.frame(); next 'p' body -> fa.onResponse(body)
 *       Refused   -> ErrorResponse FATAL (failure.sqlState(), failure.message(), failure.hint()); log failure.logDetail()
 *       Accepted  -> for each backend: StartupMessage with identity.backend().user(),
 *                    BackendAuthenticator ba = auth.newBackendAuthenticator(node, identity.backend());
 *                    every 'R' body -> ba.onRequest(body): Respond -> write frame; Failed -> FATAL to the client
 *                    when every backend is Authenticated: write accepted.finalFrames() (SASLFinal + AuthenticationOk),
 *                    then ParameterStatus, the proxy's BackendKeyData, ReadyForQuery
 * }</pre>
 * The frame decoder keeps its before-authentication limit until AuthenticationOk was sent, and
 * {@code authentication_timeout} covers the whole exchange, both backends' logins included.
 *
 * <h2>Deliberate differences from pgpool-II</h2>
 * <ul>
 *   <li>A password no one checked never opens a session: when pool_passwd has no entry and the
 *       client's clear-text password is passed on, a backend that admits without asking for it
 *       makes the login fail (CVE-2025-46801 was a variant of this).</li>
 *   <li>Every password failure a client can cause (unknown user, wrong password, an entry in a
 *       format the method cannot use, an AES entry without its key) gives the same 28P01 message
 *       after the same exchange; the log has the real reason.</li>
 * </ul>
 */
package io.tidepool.auth;
