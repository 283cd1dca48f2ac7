/**
 * PCP, pgpool-II's administration protocol (spec {@code shared/spec/pgpool-interfaces.md}
 * section 1), server and client.
 *
 * <p>Layers, from the wire up: {@link io.tidepool.admin.pcp.PcpFrameDecoder} /
 * {@link io.tidepool.admin.pcp.PcpFrameEncoder} (framing and limits),
 * {@link io.tidepool.admin.pcp.PcpSession} (authentication state and the request catalogue, no
 * Netty), {@link io.tidepool.admin.pcp.PcpResponses} (response layouts),
 * {@link io.tidepool.admin.pcp.PcpServer} (listeners and connections). Everything that reads or
 * changes the cluster goes through {@link io.tidepool.admin.pcp.PcpService}.
 *
 * <p>Wiring into the proxy:
 * <pre>{@code
 * PcpServer pcp = new PcpServer(PcpServerSettings.fromConfig(config), service,
 *         PcpUserLookup.file(pcpConfPath));
 * pcp.start();   // ... pcp.close() on shutdown
 * }</pre>
 *
 * <p>{@link io.tidepool.admin.pcp.PcpClient} talks to Tidepool or pgpool-II; the
 * {@code tidepool pcp} command line and the console use it.
 */
package io.tidepool.admin.pcp;
