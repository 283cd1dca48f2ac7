package io.tidepool.console.client.pgpool;

import io.tidepool.cluster.NodeSnapshot;

import java.io.IOException;
import java.util.List;

/**
 * The node information the console reads and the node commands it sends over PCP (spec 1.6: {@code C}, {@code D}/{@code d},
 * {@code J}/{@code j}). Each call is blocking, opens its own authenticated PCP connection and
 * returns once pgpool-II answered CommandComplete; an ERROR or FATAL answer, a refused login or
 * a broken connection is an {@link IOException} whose message is pgpool-II's own text.
 *
 * <p>The implementation adapts {@code io.tidepool.admin.pcp.PcpClient} (proxy-core); this seam
 * keeps {@link PgpoolClient} independent of how the PCP wire is spoken.
 */
public interface PcpNodeCommands {

    /**
     * Every node as PCP's node-info reports it (spec 1.7.3, the newest layout), node ids as
     * positions. PCP carries no {@code select_cnt} and no load-balance node.
     */
    List<NodeSnapshot> nodeInfo() throws IOException;

    void attachNode(int nodeId) throws IOException;

    /** @param graceful wait for client sessions to end first ({@code pcp_detach_node -g}) */
    void detachNode(int nodeId, boolean graceful) throws IOException;

    /** @param switchover demote the current primary as part of it ({@code pcp_promote_node -s}) */
    void promoteNode(int nodeId, boolean switchover) throws IOException;
}
