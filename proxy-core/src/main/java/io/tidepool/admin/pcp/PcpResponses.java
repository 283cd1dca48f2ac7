package io.tidepool.admin.pcp;

import io.tidepool.cluster.HealthCheckStatistics;
import io.tidepool.cluster.NodeSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Encoders of the PCP response layouts (spec 1.7). Each method returns the packets of one
 * response in send order.
 */
public final class PcpResponses {

    public static final String COMMAND_COMPLETE = "CommandComplete";
    public static final String ARRAY_SIZE = "ArraySize";
    public static final String NODE_INFO = "NodeInfo";
    public static final String PROCESS_INFO = "ProcessInfo";
    public static final String PROCESS_CONFIG = "ProcessConfig";
    /** pgpool-II scales the weight by C's RAND_MAX on the wire (spec 1.7.3 field 6). */
    public static final double WEIGHT_SCALE = 2147483647.0;

    private PcpResponses() {
    }

    /** {@code a c d g t v z}: nothing but CommandComplete. */
    public static PcpPacket done(char tag) {
        return PcpPacket.ofStrings(tag, COMMAND_COMPLETE);
    }

    public static PcpPacket salt(byte[] salt) {
        return PcpPacket.of('m', salt);
    }

    public static PcpPacket authenticationOk() {
        return PcpPacket.ofStrings('r', PcpAuthentication.AUTHENTICATION_OK);
    }

    public static PcpPacket nodeCount(int count) {
        return PcpPacket.ofStrings('l', COMMAND_COMPLETE, Integer.toString(count));
    }

    /** Node info in the given client generation's layout (spec 1.7.3). */
    public static List<PcpPacket> nodeInfo(List<NodeSnapshot> nodes, NodeInfoLayout layout) {
        List<PcpPacket> packets = new ArrayList<>();
        if (!layout.multiPacket()) {
            for (NodeSnapshot node : nodes) {
                List<String> fields = new ArrayList<>();
                fields.add(COMMAND_COMPLETE);
                fields.addAll(nodeFields(node, layout));
                packets.add(PcpPacket.ofStrings('i', fields));
            }
            return packets;
        }
        packets.add(PcpPacket.ofStrings('i', ARRAY_SIZE, Integer.toString(nodes.size())));
        for (NodeSnapshot node : nodes) {
            List<String> fields = new ArrayList<>();
            fields.add(NODE_INFO);
            fields.addAll(nodeFields(node, layout));
            packets.add(PcpPacket.ofStrings('i', fields));
        }
        packets.add(PcpPacket.ofStrings('i', COMMAND_COMPLETE));
        return packets;
    }

    /** The node fields of one layout, in wire order (fields 1..13 of spec 1.7.3, some left out). */
    static List<String> nodeFields(NodeSnapshot node, NodeInfoLayout layout) {
        List<String> f = new ArrayList<>(layout.fieldCount());
        f.add(node.hostname());
        f.add(Integer.toString(node.port()));
        f.add(Integer.toString(node.status().code()));
        if (layout.hasQuarantine()) {
            f.add(node.quarantined() ? "1" : "0");
        }
        if (layout.hasActualStatusAndRole()) {
            f.add(node.actualStatus().text());
        }
        f.add(String.format(Locale.ROOT, "%f", node.weight() * WEIGHT_SCALE));
        f.add(Integer.toString(node.role().code()));
        if (layout.hasActualStatusAndRole()) {
            f.add(node.actualRole());
        }
        if (layout.hasDelayByTime()) {
            f.add(node.delayByTime() ? "1" : "0");
        }
        f.add(Long.toUnsignedString(node.replicationDelay()));
        f.add(node.replicationState());
        f.add(node.syncState());
        f.add(Long.toString(node.lastStatusChange().getEpochSecond()));
        return f;
    }

    /** Health-check stats: CommandComplete + 20 strings (spec 1.7.4). */
    public static PcpPacket healthCheckStats(NodeSnapshot node, HealthCheckStatistics stats, ZoneId zone) {
        return PcpPacket.ofStrings('h',
                COMMAND_COMPLETE,
                Integer.toString(node.id()),
                node.hostname(),
                Integer.toString(node.port()),
                node.statusName(),
                node.role().text(),
                PgpoolTimeFormat.format(node.lastStatusChange(), zone),
                Long.toString(stats.totalCount()),
                Long.toString(stats.successCount()),
                Long.toString(stats.failCount()),
                Long.toString(stats.skipCount()),
                Long.toString(stats.retryCount()),
                String.format(Locale.ROOT, "%f", stats.averageRetryCount()),
                Long.toString(stats.maxRetryCount()),
                Long.toString(stats.maxDurationMillis()),
                Long.toString(stats.minDurationMillis()),
                String.format(Locale.ROOT, "%f", stats.averageDurationMillis()),
                PgpoolTimeFormat.format(stats.lastHealthCheck(), zone),
                PgpoolTimeFormat.format(stats.lastSuccessfulHealthCheck(), zone),
                PgpoolTimeFormat.format(stats.lastSkippedHealthCheck(), zone),
                PgpoolTimeFormat.format(stats.lastFailedHealthCheck(), zone));
    }

    /** Process count: CommandComplete, the count, then one pid per string (spec 1.7.5). */
    public static PcpPacket processCount(List<ProcessInfo> processes) {
        List<String> fields = new ArrayList<>();
        fields.add(COMMAND_COMPLETE);
        fields.add(Integer.toString(processes.size()));
        for (ProcessInfo process : processes) {
            fields.add(Integer.toString(process.pid()));
        }
        return PcpPacket.ofStrings('n', fields);
    }

    /**
     * Process info, always in the newest 21-field layout: clients of every generation since
     * 4.3 read the leading fields they know and ignore the rest (spec 1.7.6).
     */
    public static List<PcpPacket> processInfo(List<ProcessInfo> processes, ZoneId zone) {
        List<PcpPacket> packets = new ArrayList<>();
        int rows = processes.stream().mapToInt(p -> p.connections().size()).sum();
        packets.add(PcpPacket.ofStrings('p', ARRAY_SIZE, Integer.toString(rows)));
        for (ProcessInfo process : processes) {
            for (ProcessInfo.PooledConnection c : process.connections()) {
                packets.add(PcpPacket.ofStrings('p',
                        PROCESS_INFO,
                        Integer.toString(process.pid()),
                        PgpoolTimeFormat.format(process.startTime(), zone),
                        Long.toString(process.clientConnectionCount()),
                        Integer.toString(c.poolId()),
                        Integer.toString(c.backendId()),
                        c.database(),
                        c.username(),
                        PgpoolTimeFormat.format(c.backendConnectionTime(), zone),
                        PgpoolTimeFormat.format(c.clientConnectionTime(), zone),
                        PgpoolTimeFormat.format(c.clientDisconnectionTime(), zone),
                        Long.toString(c.clientIdleSeconds()),
                        Integer.toString(c.protocolMajor()),
                        Integer.toString(c.protocolMinor()),
                        Long.toString(c.poolCounter()),
                        Integer.toString(c.backendPid()),
                        c.connected() ? "1" : "0",
                        process.status(),
                        c.loadBalanceNode() ? "1" : "0",
                        c.clientHost(),
                        c.clientPort(),
                        c.statement()));
            }
        }
        packets.add(PcpPacket.ofStrings('p', COMMAND_COMPLETE));
        return packets;
    }

    /**
     * Pool status (spec 1.7.7). The row count after "ArraySize" is a binary int32 here, unlike
     * every other count of the protocol.
     */
    public static List<PcpPacket> poolStatus(List<PoolStatusRow> rows) {
        List<PcpPacket> packets = new ArrayList<>();
        ByteArrayOutputStream size = new ByteArrayOutputStream();
        size.writeBytes(ARRAY_SIZE.getBytes(StandardCharsets.US_ASCII));
        size.write(0);
        int n = rows.size();
        size.write(n >>> 24);
        size.write(n >>> 16);
        size.write(n >>> 8);
        size.write(n);
        packets.add(PcpPacket.wrap('b', size.toByteArray()));
        for (PoolStatusRow row : rows) {
            packets.add(PcpPacket.ofStrings('b', PROCESS_CONFIG, row.name(), row.value(), row.description()));
        }
        packets.add(PcpPacket.ofStrings('b', COMMAND_COMPLETE));
        return packets;
    }

    /** Watchdog info: CommandComplete + the JSON document + NUL (spec 1.7.8). */
    public static PcpPacket watchdogInfo(String json) {
        return PcpPacket.ofStrings('w', COMMAND_COMPLETE, json);
    }
}
