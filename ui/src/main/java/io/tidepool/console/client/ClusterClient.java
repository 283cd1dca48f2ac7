package io.tidepool.console.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The console's only door to a cluster. Three implementations are planned (DESIGN.md, "The
 * console"): the embedded engine, a remote Tidepool (admin API + events) and a remote pgpool-II
 * ({@code SHOW pool_nodes} over SQL + PCP, {@link io.tidepool.console.client.pgpool.PgpoolClient}).
 *
 * <p>Threading: every method returns at once. Futures complete and listeners are called on the
 * client's own threads, never the FX thread; callers hop to their UI thread themselves. Every
 * future completes within the client's timeout, exceptionally with a
 * {@link ClusterClientException} when the cluster did not answer in time or refused.
 *
 * <p>Connection: {@link #start()} connects in the background; a lost connection is reported
 * through {@link #onConnectionStatus} and retried automatically until {@link #close()}.
 */
public interface ClusterClient extends AutoCloseable {

    ClusterClientKind kind();

    /** Names the cluster for titles and logs, e.g. {@code pgpool-II at 127.0.0.1:9999}. */
    String displayName();

    /** Starts connecting (idempotent). */
    void start();

    ConnectionStatus connectionStatus();

    /** Delivers every later status change; the current one is not replayed. */
    Subscription onConnectionStatus(Consumer<ConnectionStatus> listener);

    /** Reads the nodes now. Fails fast with {@link ClusterClientException} while disconnected. */
    CompletableFuture<ClusterSnapshot> snapshot();

    /** Delivers the cluster's events as they are observed. */
    Subscription onEvent(Consumer<ClusterEvent> listener);

    /**
     * Whether this client can carry out {@code action} on {@code node} as the node is now. Local
     * and quick; a client that lacks a channel (for instance PCP not configured) says so here.
     */
    ActionAvailability availability(NodeAction action, PoolNode node);

    /**
     * Requests an action. Completes with {@link ActionResult.Done} when the cluster accepted it,
     * with {@link ActionResult.NotAvailable} (nothing sent) when {@link #availability} refuses,
     * exceptionally with {@link ClusterClientException} when the cluster refused or timed out.
     * Cancelling the future stops waiting; a request already sent may still be carried out.
     */
    CompletableFuture<ActionResult> perform(NodeAction action, PoolNode node);

    /** Stops retrying, closes connections and threads. Idempotent. */
    @Override
    void close();
}
