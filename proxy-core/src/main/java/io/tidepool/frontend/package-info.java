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
 */
package io.tidepool.frontend;
