package io.tidepool.app.pcp;

import io.tidepool.admin.pcp.HealthCheckReport;
import io.tidepool.admin.pcp.PcpErrorPacket;
import io.tidepool.admin.pcp.PgpoolTimeFormat;
import io.tidepool.admin.pcp.PoolStatusRow;
import io.tidepool.admin.pcp.ProcessInfoReport;
import io.tidepool.admin.pcp.WatchdogReport;
import io.tidepool.cluster.NodeSnapshot;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text pgpool-II's {@code pcp_*} tools print (spec 1.9), byte for byte, in the form of the
 * newest client generation. Scripts that parse pgpool-II's output keep working on ours.
 */
final class PcpOutput {

    static final String NO_NODE_INFORMATION = "No node information available\n\n";
    static final String NO_PROCESS_INFORMATION = "No process information available\n\n";

    private static final List<String> NODE_TITLES = List.of("Hostname", "Port", "Status", "Weight", "Status Name",
            "Backend Status Name", "Role", "Backend Role", "Replication Delay", "Replication State",
            "Replication Sync State", "Last Status Change");

    private static final List<String> HEALTH_TITLES = List.of("Node Id", "Host Name", "Port", "Status", "Role",
            "Last Status Change", "Total Count", "Success Count", "Fail Count", "Skip Count", "Retry Count",
            "Average Retry Count", "Max Retry Count", "Max Health Check Duration", "Minimum Health Check Duration",
            "Average Health Check Duration", "Last Health Check", "Last Successful Health Check",
            "Last Skip Health Check", "Last Failed Health Check");

    /** Printed column → (title, 1-based wire field) of process info (spec 1.9, pcp_proc_info). */
    private static final List<String> PROC_TITLES = List.of("Database", "Username", "Start time",
            "Client connection count", "Major", "Minor", "Backend connection time", "Client connection time",
            "Client idle duration", "Client disconnection time", "Pool Counter", "Backend PID", "Connected", "PID",
            "Backend ID", "Status", "Load balance node", "client_host", "client_port", "statement");
    private static final int[] PROC_FIELDS = {6, 7, 2, 3, 12, 13, 8, 9, 11, 10, 14, 15, 16, 1, 5, 17, 18, 19, 20, 21};

    private PcpOutput() {
    }

    static String commandSuccessful(String program) {
        return program + " -- Command Successful\n";
    }

    /** What the tools print on stderr for an error packet. */
    static String error(PcpErrorPacket error) {
        StringBuilder out = new StringBuilder();
        out.append(error.severity()).append(":  ").append(error.message()).append('\n');
        error.detail().ifPresent(d -> out.append("DETAIL:  ").append(d).append('\n'));
        return out.append('\n').toString();
    }

    static String nodeCount(int count, boolean verbose) {
        return verbose ? "Node Count\n____________\n " + count + "\n" : count + "\n";
    }

    static String nodeInfo(List<NodeSnapshot> nodes, boolean all, boolean verbose, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        for (NodeSnapshot node : nodes) {
            if (node.hostname().isEmpty() && !all) {
                continue;
            }
            List<String> values = List.of(
                    node.hostname(),
                    Integer.toString(node.port()),
                    Integer.toString(node.status().code()),
                    String.format(Locale.ROOT, "%f", node.weight()),
                    node.statusName(),
                    node.actualStatus().text(),
                    node.role().text(),
                    node.actualRole(),
                    delay(node, verbose),
                    orNone(node.replicationState()),
                    orNone(node.syncState()),
                    PgpoolTimeFormat.format(node.lastStatusChange(), zone));
            out.append(verbose ? titled(NODE_TITLES, values) : String.join(" ", values) + "\n");
        }
        return out.length() == 0 ? NO_NODE_INFORMATION : out.toString();
    }

    private static String delay(NodeSnapshot node, boolean verbose) {
        if (!node.delayByTime()) {
            return Long.toUnsignedString(node.replicationDelay());
        }
        double seconds = node.replicationDelay() / 1_000_000.0;
        String text = String.format(Locale.ROOT, "%.6f", seconds);
        return verbose ? text + (seconds >= 2 ? " seconds" : " second") : text;
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "none" : value;
    }

    static String healthCheckStats(HealthCheckReport report, boolean verbose) {
        return verbose ? titled(HEALTH_TITLES, report.values()) : String.join(" ", report.values()) + "\n";
    }

    static String processCount(List<Integer> pids, boolean verbose) {
        StringBuilder out = new StringBuilder();
        if (!verbose) {
            for (int pid : pids) {
                out.append(pid).append(' ');
            }
            return out.append('\n').toString();
        }
        out.append("No \t | \t PID\n").append("_____________________\n");
        for (int i = 0; i < pids.size(); i++) {
            out.append(i).append(" \t | \t ").append(pids.get(i)).append('\n');
        }
        return out.append("\nTotal Processes:").append(pids.size()).append('\n').toString();
    }

    static String processInfo(List<ProcessInfoReport> rows, boolean all, boolean verbose) {
        StringBuilder out = new StringBuilder();
        for (ProcessInfoReport row : rows) {
            if (row.pid().isEmpty() || (row.database().isEmpty() && !all)) {
                continue;
            }
            List<String> titles = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < PROC_FIELDS.length; i++) {
                if (PROC_FIELDS[i] <= row.values().size()) {
                    titles.add(PROC_TITLES.get(i));
                    values.add(row.field(PROC_FIELDS[i]));
                }
            }
            out.append(verbose ? titled(titles, values) : String.join(" ", values) + "\n");
        }
        return out.length() == 0 ? NO_PROCESS_INFORMATION : out.toString();
    }

    static String poolStatus(List<PoolStatusRow> rows, boolean verbose) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            PoolStatusRow row = rows.get(i);
            if (verbose) {
                out.append(String.format(Locale.ROOT, "Name [%3d]:\t%s\nValue:      \t%s\nDescription:\t%s\n\n",
                        i, row.name(), row.value(), row.description()));
            } else {
                out.append("name : ").append(row.name()).append("\nvalue: ").append(row.value())
                        .append("\ndesc : ").append(row.description()).append("\n\n");
            }
        }
        return out.toString();
    }

    static String watchdogInfo(WatchdogReport report, boolean verbose) {
        StringBuilder out = new StringBuilder();
        if (!verbose) {
            out.append(report.remoteNodeCount() + 1).append(' ').append(report.memberRemoteNodeCount() + 1).append(' ')
                    .append(report.escalated() ? "YES" : "NO").append(' ').append(report.leaderNodeName()).append(' ')
                    .append(report.leaderHostName()).append("\n\n");
            for (WatchdogReport.Node n : report.nodes()) {
                out.append(n.nodeName()).append(' ').append(n.hostName()).append(' ').append(n.pgpoolPort()).append(' ')
                        .append(n.wdPort()).append(' ').append(n.state()).append(' ').append(n.stateName()).append(' ')
                        .append(n.membership()).append(' ').append(n.membershipString()).append(' ')
                        .append(n.lifecheckStarted() ? "YES" : "NO").append('\n');
            }
            return out.toString();
        }
        out.append("Watchdog Cluster Information \n")
                .append("Total Nodes              : ").append(report.remoteNodeCount() + 1).append('\n')
                .append("Remote Nodes             : ").append(report.remoteNodeCount()).append('\n')
                .append("Member Remote Nodes      : ").append(report.memberRemoteNodeCount()).append('\n')
                .append("Alive Remote Nodes       : ").append(report.aliveNodeCount()).append('\n')
                .append("Nodes required for quorum: ").append(report.nodesRequiredForQuorum()).append('\n')
                .append("Quorum state             : ").append(quorum(report.quorumStatus())).append('\n')
                .append("Local node escalation    : ").append(report.escalated() ? "YES" : "NO").append('\n')
                .append("Leader Node Name         : ").append(report.leaderNodeName()).append('\n')
                .append("Leader Host Name         : ").append(report.leaderHostName()).append('\n')
                .append('\n')
                .append("Watchdog Node Information \n");
        for (WatchdogReport.Node n : report.nodes()) {
            out.append("Node Name         : ").append(n.nodeName()).append('\n')
                    .append("Host Name         : ").append(n.hostName()).append('\n')
                    .append("Delegate IP       : ").append(n.delegateIp()).append('\n')
                    .append("Pgpool port       : ").append(n.pgpoolPort()).append('\n')
                    .append("Watchdog port     : ").append(n.wdPort()).append('\n')
                    .append("Node priority     : ").append(n.priority()).append('\n')
                    .append("Status            : ").append(n.state()).append('\n')
                    .append("Status Name       : ").append(n.stateName()).append('\n')
                    .append("Membership Status : ").append(n.membershipString()).append('\n')
                    .append("Lifecheck Started : ").append(n.lifecheckStarted() ? "YES" : "NO").append('\n')
                    .append('\n');
        }
        return out.toString();
    }

    private static String quorum(int status) {
        return switch (status) {
            case 1 -> "QUORUM EXIST";
            case 0 -> "QUORUM IS ON THE EDGE";
            case -1 -> "QUORUM ABSENT";
            case -2 -> "NO LEADER NODE";
            default -> "UNKNOWN";
        };
    }

    /** {@code title : value} lines, titles padded to the longest, then one empty line. */
    private static String titled(List<String> titles, List<String> values) {
        int width = titles.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < titles.size(); i++) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s : %s%n", titles.get(i), values.get(i))
                    .replace(System.lineSeparator(), "\n"));
        }
        return out.append('\n').toString();
    }
}
