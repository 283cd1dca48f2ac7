package io.tidepool.admin.pcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The watchdog document of {@code pcp_watchdog_info} (spec 1.7.8), as read by a client. Keys a
 * server leaves out read as -1 (counts) or empty text, the way pgpool-II's client treats them.
 */
public record WatchdogReport(int remoteNodeCount, int memberRemoteNodeCount, int nodesRequiredForQuorum,
                             int quorumStatus, int aliveNodeCount, boolean escalated, String leaderNodeName,
                             String leaderHostName, List<Node> nodes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public WatchdogReport {
        nodes = List.copyOf(nodes);
    }

    /** One watchdog node. {@code lifecheckStarted} is only sent by the newest servers. */
    public record Node(int id, int state, int membership, String membershipString, String nodeName,
                       String hostName, String stateName, String delegateIp, int wdPort, int pgpoolPort,
                       int priority, boolean lifecheckStarted) {
    }

    /**
     * @throws PcpClientException when the text is not a watchdog document
     */
    public static WatchdogReport parse(String json) throws PcpClientException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new PcpClientException("watchdog info is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("WatchdogNodes").isArray()) {
            throw new PcpClientException("watchdog info has no WatchdogNodes array");
        }
        List<Node> nodes = new ArrayList<>();
        for (JsonNode n : root.path("WatchdogNodes")) {
            nodes.add(new Node(n.path("ID").asInt(-1), n.path("State").asInt(-1), n.path("Membership").asInt(0),
                    n.path("MembershipString").asText("NOT-Available"), n.path("NodeName").asText(""),
                    n.path("HostName").asText(""), n.path("StateName").asText(""), n.path("DelegateIP").asText(""),
                    n.path("WdPort").asInt(0), n.path("PgpoolPort").asInt(0), n.path("Priority").asInt(0),
                    n.path("LifecheckStarted").asInt(0) == 1 || n.path("LifecheckStarted").asBoolean(false)));
        }
        return new WatchdogReport(root.path("RemoteNodeCount").asInt(-1), root.path("MemberRemoteNodeCount").asInt(-1),
                root.path("NodesRequireForQuorum").asInt(-1), root.path("QuorumStatus").asInt(-1),
                root.path("AliveNodeCount").asInt(-1), root.path("Escalated").asInt(0) == 1,
                root.path("LeaderNodeName").asText(""), root.path("LeaderHostName").asText(""), nodes);
    }
}
