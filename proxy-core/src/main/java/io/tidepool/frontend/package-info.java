/**
 * The client side of the proxy: {@link io.tidepool.frontend.ClientSession}, one per client
 * connection, owns the session state machine (startup, SSL/GSSENC answers, authentication,
 * forwarding, cancel, ending with an SQLSTATE). {@link io.tidepool.frontend.SessionServices}
 * is all that sessions share.
 *
 * <p>A session and the backend connections it uses run on one event loop; nothing here is
 * locked.
 */
package io.tidepool.frontend;
