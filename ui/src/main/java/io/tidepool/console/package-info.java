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
 * Only through {@link io.tidepool.console.client.ClusterClient}, chosen in
 * {@link io.tidepool.console.connect.ClusterClients}:
 * <ul>
 *   <li>the embedded engine ({@code client.embedded}): snapshots straight from the cluster owner
 *       ({@code io.tidepool.cluster}), events from its journal and listener, node actions as requests to
 *       it, and the engine's log lines ({@code io.tidepool.server.logging.LogTail}). The demo hands its
 *       engine over through {@link io.tidepool.console.EmbeddedConsole};</li>
 *   <li>a remote pgpool-II ({@code client.pgpool}: {@code SHOW pool_nodes} over pgJDBC in the simple
 *       protocol, node actions over PCP);</li>
 *   <li>a remote Tidepool (the same client, {@code Peer.TIDEPOOL}): {@code SHOW pool_nodes} through the
 *       proxy when it answers, else PCP's node info alone, fields PCP lacks shown as unknown.</li>
 * </ul>
 * Only proxy-core's public API is used (no {@code protocol}, {@code frontend}, {@code backend}: the
 * app's ArchitectureTest checks it).
 *
 * <h2>Threads</h2>
 * Clients answer on their own threads; {@link io.tidepool.console.session.ClusterSession} moves
 * every result onto the FX thread (through the executor it was given, which tests replace with
 * a direct one). Polling runs on a daemon scheduler; at most one refresh is in flight. Node actions
 * are {@link io.tidepool.console.session.ConsoleTask}s: cancellable, with progress and a message.
 * Nothing waits on I/O on the FX thread.
 */
package io.tidepool.console;
