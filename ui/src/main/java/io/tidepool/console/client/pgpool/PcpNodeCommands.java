package io.tidepool.console.client.pgpool;

import java.io.IOException;

/**
 * The node commands the console sends over PCP (spec 1.6: {@code C}, {@code D}/{@code d},
 * {@code J}/{@code j}). Each call is blocking, opens its own authenticated PCP connection and
 * returns once pgpool-II answered CommandComplete; an ERROR or FATAL answer, a refused login or
 * a broken connection is an {@link IOException} whose message is pgpool-II's own text.
 *
 * <p>The implementation adapts {@code io.tidepool.admin.pcp.PcpClient} (proxy-core); this seam
 * keeps {@link PgpoolClient} independent of how the PCP wire is spoken.
 */
public interface PcpNodeCommands {

    void attachNode(int nodeId) throws IOException;

    /** @param graceful wait for client sessions to end first ({@code pcp_detach_node -g}) */
    void detachNode(int nodeId, boolean graceful) throws IOException;

    /** @param switchover demote the current primary as part of it ({@code pcp_promote_node -s}) */
    void promoteNode(int nodeId, boolean switchover) throws IOException;
}
