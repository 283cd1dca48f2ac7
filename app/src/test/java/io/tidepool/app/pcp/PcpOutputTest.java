package io.tidepool.app.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidepool.admin.pcp.HealthCheckReport;
import io.tidepool.admin.pcp.PcpErrorPacket;
import io.tidepool.admin.pcp.ProcessInfoReport;
import io.tidepool.admin.pcp.WatchdogReport;
import io.tidepool.cluster.NodeRole;
import io.tidepool.cluster.NodeSnapshot;
import io.tidepool.cluster.NodeStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PcpOutputTest {

    private static NodeSnapshot node(String host, long delay, boolean byTime) {
        return new NodeSnapshot(1, host, 5433, NodeStatus.UP, false, NodeSnapshot.ActualStatus.UP, 0.25,
                NodeRole.STANDBY, "standby", delay, byTime, "streaming", "", Instant.ofEpochSecond(1_700_000_100L), 0,
                false);
    }

    @Test
    void nodeInfoPrintsDelayInSecondsWhenMeasuredByTime() {
        assertThat(PcpOutput.nodeInfo(List.of(node("h", 2_500_000, true)), false, false, ZoneOffset.UTC))
                .isEqualTo("h 5433 2 0.250000 up up standby standby 2.500000 streaming none 2023-11-14 22:15:00\n");
        assertThat(PcpOutput.nodeInfo(List.of(node("h", 1_500_000, true)), false, true, ZoneOffset.UTC))
                .contains("Replication Delay      : 1.500000 second\n");
        assertThat(PcpOutput.nodeInfo(List.of(node("h", 2_000_000, true)), false, true, ZoneOffset.UTC))
                .contains("Replication Delay      : 2.000000 seconds\n");
    }

    @Test
    void nodeInfoSkipsNodesWithoutHostUnlessAll() {
        List<NodeSnapshot> nodes = List.of(node("", 0, false));
        assertThat(PcpOutput.nodeInfo(nodes, false, false, ZoneOffset.UTC)).isEqualTo("No node information available\n\n");
        assertThat(PcpOutput.nodeInfo(nodes, true, false, ZoneOffset.UTC)).startsWith(" 5433 2 ");
    }

    @Test
    void errorsArePrintedLikePgpoolTools() {
        PcpErrorPacket error = new PcpErrorPacket("ERROR", "XX000", "informing node info failed",
                Optional.of("invalid node ID : 5"), Optional.empty(), "f", 1);
        assertThat(PcpOutput.error(error)).isEqualTo("ERROR:  informing node info failed\nDETAIL:  invalid node ID : 5\n\n");
    }

    @Test
    void healthCheckStatsPlainKeepsEmptyValues() {
        List<String> values = new java.util.ArrayList<>(Collections.nCopies(20, "x"));
        values.set(18, "");
        assertThat(PcpOutput.healthCheckStats(new HealthCheckReport(values), false)).endsWith("x x  x\n");
    }

    @Test
    void processInfoPrintsTheColumnsTheServerSent() {
        List<String> seventeen = List.of("101", "start", "5", "0", "0", "db", "alice", "bt", "ct", "dt", "0", "3", "0",
                "1", "4242", "1", "Idle");
        assertThat(PcpOutput.processInfo(List.of(new ProcessInfoReport(seventeen)), false, false))
                .isEqualTo("db alice start 5 3 0 bt ct 0 dt 1 4242 1 101 0 Idle\n");
    }

    @Test
    void watchdogInfoPlainAndVerbose() throws Exception {
        WatchdogReport report = WatchdogReport.parse("""
                {"RemoteNodeCount":1,"MemberRemoteNodeCount":1,"NodesRequireForQuorum":2,"QuorumStatus":1,
                 "AliveNodeCount":1,"Escalated":1,"LeaderNodeName":"h1:9999 Linux h1","LeaderHostName":"h1",
                 "NodeCount":2,"WatchdogNodes":[
                  {"ID":0,"State":4,"Membership":0,"MembershipString":"MEMBER","NodeName":"h1:9999 Linux h1",
                   "HostName":"h1","StateName":"LEADER","DelegateIP":"10.0.0.9","WdPort":9000,"PgpoolPort":9999,
                   "Priority":1,"LifecheckStarted":1},
                  {"ID":1,"State":7,"Membership":0,"MembershipString":"MEMBER","NodeName":"h2:9999 Linux h2",
                   "HostName":"h2","StateName":"STANDBY","DelegateIP":"10.0.0.9","WdPort":9000,"PgpoolPort":9999,
                   "Priority":1,"LifecheckStarted":0}]}
                """);
        assertThat(PcpOutput.watchdogInfo(report, false)).isEqualTo("""
                2 2 YES h1:9999 Linux h1 h1

                h1:9999 Linux h1 h1 9999 9000 4 LEADER 0 MEMBER YES
                h2:9999 Linux h2 h2 9999 9000 7 STANDBY 0 MEMBER NO
                """);
        assertThat(PcpOutput.watchdogInfo(report, true))
                .startsWith("Watchdog Cluster Information \nTotal Nodes              : 2\n")
                .contains("Quorum state             : QUORUM EXIST\n")
                .contains("Watchdog Node Information \nNode Name         : h1:9999 Linux h1\n");
    }
}
