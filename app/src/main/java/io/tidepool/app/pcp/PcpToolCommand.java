package io.tidepool.app.pcp;

import io.tidepool.admin.pcp.NodeInfoLayout;
import io.tidepool.admin.pcp.PcpClient;
import io.tidepool.admin.pcp.PcpClientException;
import io.tidepool.admin.pcp.PcpEndpoint;
import io.tidepool.admin.pcp.PcpErrorException;
import io.tidepool.admin.pcp.PcpPassFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code pcp_*} tool shares (spec 1.9, 1.10): connection options, the password
 * search, authentication, and pgpool-II's exit codes: 1 for usage, connection and
 * authentication failures; 0 after an error the server reported for the request itself.
 */
abstract class PcpToolCommand implements Callable<Integer> {

    /** pgpool-II's {@code MAX_NUM_BACKENDS}. */
    static final int MAX_NODE_ID = 128;

    @ParentCommand
    PcpCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--host"}, paramLabel = "HOSTNAME",
            description = "server host, or a Unix socket directory when it starts with '/' (default: /tmp socket)")
    String host = "";

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "PCP port (default: ${DEFAULT-VALUE})")
    int port = 9898;

    @Option(names = {"-U", "--username"}, paramLabel = "USERNAME", description = "PCP user (default: OS user)")
    String user = System.getProperty("user.name");

    @Option(names = {"-w", "--no-password"}, description = "never prompt for a password")
    boolean noPassword;

    @Option(names = {"-W", "--password"}, description = "always prompt for a password")
    boolean forcePrompt;

    @Option(names = {"-d", "--debug"}, description = "print the packets sent and received")
    boolean debug;

    @Option(names = {"--server-version"}, paramLabel = "VERSION",
            description = "pgpool-II version of the server, for its node-info layout (default: newest)")
    String serverVersion = "newest";

    @Option(names = {"--timeout"}, paramLabel = "SECONDS",
            description = "longest wait for the server (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 60;

    @Option(names = {"-?", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    /** pgpool-II's name of the tool, used in "Command Successful": the command's {@code pcp_*} alias. */
    String program() {
        return spec.aliases()[0];
    }

    /** Runs the request on an authenticated client and prints the result; returns the exit code. */
    abstract int execute(PcpClient client, PrintWriter out) throws PcpClientException;

    /** Checks the options before connecting; an error message, or empty. */
    Optional<String> validate() {
        return Optional.empty();
    }

    /** Prints pgpool-II's {@code "<program> -- Command Successful"} and returns exit code 0. */
    int commandSuccessful(PrintWriter out) {
        out.print(PcpOutput.commandSuccessful(program()));
        return 0;
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    @Override
    public Integer call() throws IOException {
        PcpCommand.Terminal terminal = parent.terminal();
        PrintWriter out = terminal.out();
        PrintWriter err = terminal.err();
        try {
            if (port < 1025 || port > 65535) {
                // pgpool-II's tools exit 0 here (spec 1.1).
                err.println(program() + ": invalid port number \"" + port + "\", must be between 1025 and 65535");
                return 0;
            }
            Optional<String> problem = validate();
            if (problem.isPresent()) {
                err.println(program() + ": " + problem.get());
                return 1;
            }
            NodeInfoLayout layout;
            try {
                layout = NodeInfoLayout.forClientVersion(serverVersion);
            } catch (IllegalArgumentException e) {
                err.println(program() + ": " + e.getMessage());
                return 1;
            }
            PcpEndpoint endpoint = new PcpEndpoint(host, port);
            String password = password(endpoint, terminal);
            PcpClient.Options options = PcpClient.Options.defaults()
                    .withTimeout(timeout())
                    .withNodeInfoLayout(layout)
                    .withTrace(debug ? line -> out.println("DEBUG: " + line) : line -> { })
                    .withNotices(debug ? n -> out.println("BACKEND " + n.severity() + ":  " + n.message()) : n -> { });
            try (PcpClient client = PcpClient.connect(endpoint, options)) {
                try {
                    client.authenticate(user, password);
                } catch (PcpErrorException e) {
                    err.print(PcpOutput.error(e.error()));
                    return 1;
                }
                try {
                    return execute(client, out);
                } catch (PcpErrorException e) {
                    err.print(PcpOutput.error(e.error()));
                    return 0;
                }
            } catch (PcpClientException e) {
                err.println("ERROR: " + e.getMessage());
                return 1;
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The newest tools' order (spec 1.10): {@code -W} prompts; otherwise the pcppass file; if it
     * has no entry, prompt unless {@code -w}, which sends an empty password.
     */
    private String password(PcpEndpoint endpoint, PcpCommand.Terminal terminal) throws IOException {
        if (forcePrompt) {
            return terminal.passwords().read("Password: ");
        }
        Optional<String> stored = PcpPassFile.lookup(PcpPassFile.location(terminal.environment()),
                endpoint.pcppassHost(), port, user, warning -> terminal.err().println("WARNING: " + warning));
        if (stored.isPresent()) {
            return stored.get();
        }
        return noPassword ? "" : terminal.passwords().read("Password: ");
    }

    /** A node id from {@code -n} or the positional argument, checked against pgpool-II's range. */
    static Optional<String> checkNodeId(Integer nodeId, boolean required) {
        if (nodeId == null) {
            return required ? Optional.of("missing node ID; give it with -n or as an argument") : Optional.empty();
        }
        if (nodeId < 0 || nodeId > MAX_NODE_ID) {
            return Optional.of("invalid node ID \"" + nodeId + "\", must be between 0 and " + MAX_NODE_ID);
        }
        return Optional.empty();
    }

    static Integer either(Integer option, Integer positional) {
        return option != null ? option : positional;
    }
}
