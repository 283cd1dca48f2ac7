/**
 * The Tidepool console (JavaFX).
 *
 * <h2>Shape</h2>
 * MVVM as in STYLE.md: each view is {@code XxxView.fxml} (resources, same package) + {@code XxxView}
 * (controller: binds, nothing else) + {@code XxxViewModel} (JavaFX properties and commands, no
 * {@code Node}s, unit-tested without a window). {@link io.tidepool.console.ConsoleWindow} is the
 * composition root; {@link io.tidepool.console.ConsoleLauncher} the main class.
 *
 * <h2>Talking to a cluster</h2>
 * Only through {@link io.tidepool.console.client.ClusterClient}. Implemented: the remote pgpool-II
 * client ({@code client.pgpool}: {@code SHOW pool_nodes} over pgJDBC in the simple protocol, node
 * actions over PCP). Planned, chosen in {@link io.tidepool.console.connect.ClusterClients}: the
 * embedded engine and a remote Tidepool, once the engine publishes snapshots and events.
 *
 * <h2>Threads</h2>
 * Clients answer on their own threads; {@link io.tidepool.console.session.ClusterSession} moves
 * every result onto the FX thread (through the executor it was given, which tests replace with
 * a direct one). Polling runs on a daemon scheduler; at most one refresh is in flight. Node actions
 * are {@link io.tidepool.console.session.ConsoleTask}s: cancellable, with progress and a message.
 * Nothing waits on I/O on the FX thread.
 */
package io.tidepool.console;
