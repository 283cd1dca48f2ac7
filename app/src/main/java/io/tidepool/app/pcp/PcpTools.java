package io.tidepool.app.pcp;

import io.tidepool.admin.pcp.PcpClient;
import io.tidepool.admin.pcp.PcpClientException;
import io.tidepool.server.ShutdownMode;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code pcp_*} tools, one small command each (options as pgpool-II's, spec 1.9). */
final class PcpTools {

    private PcpTools() {
    }

    @Command(name = "node_count", aliases = "pcp_node_count", description = "number of backend nodes")
    static final class NodeCount extends PcpToolCommand {
        @Option(names = {"-v", "--verbose"}, description = "verbose output")
        boolean verbose;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            out.print(PcpOutput.nodeCount(client.nodeCount(), verbose));
            return 0;
        }
    }

    @Command(name = "node_info", aliases = "pcp_node_info", description = "information about backend nodes")
    static final class NodeInfo extends PcpToolCommand {
        @Option(names = {"-n", "--node-id"}, paramLabel = "NODEID", description = "node (default: all)")
        Integer nodeId;
        @Parameters(index = "0", arity = "0..1", paramLabel = "NODEID")
        Integer positional;
        @Option(names = {"-a", "--all"}, description = "also nodes without a host name")
        boolean all;
        @Option(names = {"-v", "--verbose"}, description = "verbose output")
        boolean verbose;

        @Override
        Optional<String> validate() {
            return checkNodeId(either(nodeId, positional), false);
        }

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            Integer id = either(nodeId, positional);
            out.print(PcpOutput.nodeInfo(client.nodeInfo(id == null ? -1 : id), all, verbose,
                    parent.terminal().zone()));
            return 0;
        }
    }

    @Command(name = "attach_node", aliases = "pcp_attach_node", description = "attach a node to the cluster")
    static final class AttachNode extends NodeRequestCommand {
        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.attachNode(nodeId());
            return commandSuccessful(out);
        }
    }

    @Command(name = "detach_node", aliases = "pcp_detach_node", description = "detach a node from the cluster")
    static final class DetachNode extends NodeRequestCommand {
        @Option(names = {"-g", "--gracefully"}, description = "wait until client sessions have ended")
        boolean gracefully;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.detachNode(nodeId(), gracefully);
            return commandSuccessful(out);
        }
    }

    @Command(name = "promote_node", aliases = "pcp_promote_node", description = "make a node the primary")
    static final class PromoteNode extends NodeRequestCommand {
        @Option(names = {"-g", "--gracefully"}, description = "wait until client sessions have ended")
        boolean gracefully;
        @Option(names = {"-s", "--switchover"}, description = "detach the current primary and promote this node")
        boolean switchover;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.promoteNode(nodeId(), switchover, gracefully);
            return commandSuccessful(out);
        }
    }

    @Command(name = "recovery_node", aliases = "pcp_recovery_node", description = "recover a node online")
    static final class RecoveryNode extends NodeRequestCommand {
        RecoveryNode() {
            // Recovery answers only when it has finished: copying a data directory takes a while.
            timeoutSeconds = 3600;
        }

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.recoverNode(nodeId());
            return commandSuccessful(out);
        }
    }

    @Command(name = "proc_count", aliases = "pcp_proc_count", description = "list the server's process ids")
    static final class ProcCount extends PcpToolCommand {
        @Option(names = {"-v", "--verbose"}, description = "verbose output")
        boolean verbose;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            out.print(PcpOutput.processCount(client.processIds(), verbose));
            return 0;
        }
    }

    @Command(name = "proc_info", aliases = "pcp_proc_info", description = "information about server processes")
    static final class ProcInfo extends PcpToolCommand {
        @Option(names = {"-P", "--process-id"}, paramLabel = "PID", description = "process (default: all)")
        Integer pid;
        @Parameters(index = "0", arity = "0..1", paramLabel = "PID")
        Integer positional;
        @Option(names = {"-a", "--all"}, description = "also pool slots without a connection")
        boolean all;
        @Option(names = {"-v", "--verbose"}, description = "verbose output")
        boolean verbose;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            Integer id = either(pid, positional);
            out.print(PcpOutput.processInfo(client.processInfo(id == null ? 0 : id), all, verbose));
            return 0;
        }
    }

    @Command(name = "pool_status", aliases = "pcp_pool_status", description = "the server's configuration")
    static final class PoolStatus extends PcpToolCommand {
        @Option(names = {"-v", "--verbose"}, description = "verbose output")
        boolean verbose;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            out.print(PcpOutput.poolStatus(client.poolStatus(), verbose));
            return 0;
        }
    }

    @Command(name = "health_check_stats", aliases = "pcp_health_check_stats",
            description = "health check statistics of a node")
    static final class HealthCheckStats extends NodeRequestCommand {
        @Option(names = {"-v", "--verbose"}, description = "verbose output")
        boolean verbose;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            out.print(PcpOutput.healthCheckStats(client.healthCheckStats(nodeId()), verbose));
            return 0;
        }
    }

    @Command(name = "watchdog_info", aliases = "pcp_watchdog_info", description = "watchdog cluster status")
    static final class WatchdogInfo extends PcpToolCommand {
        @Option(names = {"-n", "--node-id"}, paramLabel = "NODEID", description = "watchdog node (default: all)")
        Integer nodeId;
        @Parameters(index = "0", arity = "0..1", paramLabel = "NODEID")
        Integer positional;
        @Option(names = {"-v", "--verbose"}, description = "verbose output")
        boolean verbose;

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            Integer id = either(nodeId, positional);
            out.print(PcpOutput.watchdogInfo(client.watchdogReport(id == null ? -1 : id), verbose));
            return 0;
        }
    }

    @Command(name = "stop_pgpool", aliases = "pcp_stop_pgpool", description = "shut the server down")
    static final class StopPgpool extends ScopedCommand {
        @Option(names = {"-m", "--mode"}, paramLabel = "MODE", description = "s[mart], f[ast] or i[mmediate]")
        String mode = "smart";

        @Override
        Optional<String> validate() {
            if (ShutdownMode.parse(mode).isEmpty()) {
                return Optional.of("invalid shutdown mode \"" + mode + "\"");
            }
            return super.validate();
        }

        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.stop(ShutdownMode.parse(mode).orElseThrow(), clusterWide());
            return commandSuccessful(out);
        }
    }

    @Command(name = "reload_config", aliases = "pcp_reload_config", description = "reload the configuration")
    static final class ReloadConfig extends ScopedCommand {
        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.reloadConfig(clusterWide());
            return commandSuccessful(out);
        }
    }

    @Command(name = "log_rotate", aliases = "pcp_log_rotate", description = "re-open the log file (4.6+ servers)")
    static final class LogRotate extends ScopedCommand {
        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.rotateLog(clusterWide());
            return commandSuccessful(out);
        }
    }

    @Command(name = "invalidate_query_cache", aliases = "pcp_invalidate_query_cache",
            description = "drop the query cache (4.6+ servers)")
    static final class InvalidateQueryCache extends PcpToolCommand {
        @Override
        int execute(PcpClient client, PrintWriter out) throws PcpClientException {
            client.invalidateQueryCache();
            return commandSuccessful(out);
        }
    }

    /** A request about one node, whose id is required: {@code -n NODEID} or the positional argument. */
    abstract static class NodeRequestCommand extends PcpToolCommand {
        @Option(names = {"-n", "--node-id"}, paramLabel = "NODEID")
        Integer nodeIdOption;
        @Parameters(index = "0", arity = "0..1", paramLabel = "NODEID")
        Integer positional;

        @Override
        Optional<String> validate() {
            return checkNodeId(nodeId(), true);
        }

        /** The node id given; {@link #validate()} has checked it before {@link #execute} runs. */
        Integer nodeId() {
            return either(nodeIdOption, positional);
        }
    }

    /** A request for this server only or the whole watchdog cluster: {@code -s c|l}. */
    abstract static class ScopedCommand extends PcpToolCommand {
        @Option(names = {"-s", "--scope"}, paramLabel = "SCOPE", description = "c[luster] or l[ocal] (default)")
        String scope = "local";

        @Override
        Optional<String> validate() {
            return switch (scope) {
                case "c", "cluster", "l", "local" -> Optional.empty();
                default -> Optional.of("invalid scope \"" + scope + "\", must be c[luster] or l[ocal]");
            };
        }

        boolean clusterWide() {
            return scope.startsWith("c");
        }
    }
}
