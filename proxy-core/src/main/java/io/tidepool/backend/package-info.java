/**
 * The server side of the proxy: {@link io.tidepool.backend.BackendConnection} (one connection
 * to a node, frames reported in place to its owning session),
 * {@link io.tidepool.backend.BackendConnector} (connections opened on the client's event loop,
 * raw mode's first-node-that-is-up), and the cancel path:
 * {@link io.tidepool.backend.CancelRegistry} maps the proxy's keys to sessions,
 * {@link io.tidepool.backend.CancelForwarder} sends the backend's own key.
 * {@link io.tidepool.backend.BackendPool} keeps trust-authenticated connections between sessions
 * (one pool per event loop); {@link io.tidepool.backend.PoolReset} runs reset_query_list first.
 */
package io.tidepool.backend;
