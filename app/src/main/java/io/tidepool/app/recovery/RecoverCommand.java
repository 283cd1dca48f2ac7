package io.tidepool.app.recovery;

import io.tidepool.config.ConfigException;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.ops.Cancellation;
import io.tidepool.ops.ssh.KnownHostsFile;
import io.tidepool.ops.ssh.OutputListener;
import io.tidepool.ops.ssh.SshException;
import io.tidepool.recovery.OnlineRecovery;
import io.tidepool.recovery.PlanStep;
import io.tidepool.recovery.RecoveryException;
import io.tidepool.recovery.RecoveryListener;
import io.tidepool.recovery.RecoveryPlan;
import io.tidepool.recovery.StandaloneRecoveryCluster;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./tidepool recover -f pgpool.conf -n N [--dry-run]}: online recovery of one node from the
 * configuration files alone, without a running proxy; {@code --dry-run} prints the plan (every SSH
 * command and SQL statement, in order, with where it runs) and changes nothing. The PCP wire cannot
 * carry a dry run, so this is Tidepool's own command; a running proxy recovers through
 * {@code pcp_recovery_node}.
 *
 * <p>An SSH host key not in known_hosts stops the command with its fingerprint; after checking it
 * on the server, run again with {@code --trust-host-key <fingerprint>}.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Rebuilds a down node as a standby of the primary over SSH (pg_rewind or pg_basebackup, or the",
            "recovery_1st_stage scripts), without a running proxy. --dry-run shows the plan and changes nothing."})
public final class RecoverCommand implements Callable<Integer> {

    @Option(names = {"-f", "--config-file"}, paramLabel = "FILE", defaultValue = "pgpool.conf",
            description = "pgpool.conf (tidepool.conf is read next to it; default ${DEFAULT-VALUE})")
    Path configFile;

    @Option(names = {"-n", "--node-id"}, paramLabel = "N", required = true, description = "the node to recover")
    int nodeId;

    @Option(names = "--dry-run", description = "print the plan only; nothing is changed")
    boolean dryRun;

    @Option(names = "--trust-host-key", paramLabel = "SHA256:...",
            description = "trust this SSH host key fingerprint (shown by a refused attempt) and go on")
    String trustedFingerprint;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PgpoolConfig config;
        try {
            config = PgpoolConfig.load(configFile);
        } catch (ConfigException e) {
            err.println("tidepool recover: " + e.getMessage());
            return 2;
        }
        try (OnlineRecovery recovery = new OnlineRecovery(new StandaloneRecoveryCluster(config, out::println))) {
            for (int attempt = 0; ; attempt++) {
                try {
                    if (dryRun) {
                        out.print(recovery.plan(nodeId).render());
                    } else {
                        recovery.recover(nodeId, new PrintingListener(out), new Cancellation());
                        out.println("node " + nodeId + " recovered");
                    }
                    out.flush();
                    return 0;
                } catch (RecoveryException e) {
                    Optional<SshException.UnknownHostKey> unknown = unknownHostKey(e);
                    if (unknown.isPresent() && trustedFingerprint != null && attempt == 0) {
                        trust(config, unknown.get(), out);
                        continue;
                    }
                    err.println("tidepool recover: " + e.getMessage());
                    if (!e.detail().isEmpty()) {
                        err.println(e.detail());
                    }
                    unknown.ifPresent(u -> err.println("after checking the fingerprint on the server, run again with "
                            + "--trust-host-key " + u.hostKey().fingerprint()));
                    err.flush();
                    return 1;
                }
            }
        }
    }

    private void trust(PgpoolConfig config, SshException.UnknownHostKey unknown, PrintWriter out) {
        String file = config.getString("ssh_known_hosts_file");
        KnownHostsFile knownHosts = file.isBlank() ? KnownHostsFile.ofUser() : new KnownHostsFile(config.resolvePath(file));
        knownHosts.trust(unknown.hostKey(), trustedFingerprint);
        out.println("trusted " + unknown.hostKey() + " (added to " + knownHosts.path() + ")");
    }

    private static Optional<SshException.UnknownHostKey> unknownHostKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SshException.UnknownHostKey unknown) {
                return Optional.of(unknown);
            }
        }
        return Optional.empty();
    }

    /** Steps and output lines as they come: {@code [3] copy the primary ... }, then {@code    | line}. */
    private static final class PrintingListener implements RecoveryListener {
        private final PrintWriter out;

        PrintingListener(PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void stepStarted(int number, PlanStep step) {
            out.println("[" + number + "] " + step.title() + "  (" + step.where() + ")");
            out.flush();
        }

        @Override
        public synchronized void output(PlanStep step, OutputListener.Stream stream, String line) {
            out.println((stream == OutputListener.Stream.STDERR ? "    ! " : "    | ") + line);
            out.flush();
        }

        @Override
        public synchronized void stepFinished(int number, PlanStep step, boolean succeeded, String outcome) {
            out.println("[" + number + "] " + outcome);
            out.flush();
        }
    }
}
