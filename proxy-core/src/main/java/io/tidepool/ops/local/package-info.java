/**
 * Local PostgreSQL clusters made from the machine's PostgreSQL binaries: a primary and streaming
 * standbys on loopback, for the tests, the demo and the benchmark.
 *
 * <ul>
 *   <li>{@link io.tidepool.ops.local.LocalCluster} builds, opens, starts, stops and destroys a cluster;
 *       {@link io.tidepool.ops.local.LocalNode} controls one server (stop, kill, start, promote, rewind)
 *       and runs SQL on it.</li>
 *   <li>{@link io.tidepool.ops.local.PgBinaries} finds the binaries;
 *       {@link io.tidepool.ops.local.ServerUser} runs them as a non-root OS user when the JVM is root;
 *       {@link io.tidepool.ops.local.ExternalCommand} runs any program with a timeout and captured output.</li>
 * </ul>
 *
 * <p>Everything here blocks and is bounded by timeouts; call it from a test, the CLI or a
 * background task, never from an event loop or the FX thread.
 */
package io.tidepool.ops.local;
