package io.tidepool.app.pcp;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tidepool pcp <command>}: pgpool-II's {@code pcp_*} tools with the same options, output
 * and exit codes (spec 1.9), plus {@code tidepool pg_md5} and {@code tidepool pg_enc}.
 */
@Command(name = "pcp",
        description = "Manage a Tidepool or pgpool-II server over PCP, like pgpool-II's pcp_* tools.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            PcpTools.NodeCount.class, PcpTools.NodeInfo.class, PcpTools.AttachNode.class,
            PcpTools.DetachNode.class, PcpTools.PromoteNode.class, PcpTools.ProcCount.class,
            PcpTools.ProcInfo.class, PcpTools.PoolStatus.class, PcpTools.HealthCheckStats.class,
            PcpTools.StopPgpool.class, PcpTools.ReloadConfig.class, PcpTools.LogRotate.class,
            PcpTools.InvalidateQueryCache.class, PcpTools.WatchdogInfo.class, PcpTools.RecoveryNode.class
        })
public final class PcpCommand implements Callable<Integer> {

    /** The top-level commands this package provides. */
    private static final Set<String> COMMANDS = Set.of("pcp", "pg_md5", "pg_enc");

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = {"-?", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private final Terminal terminal;

    public PcpCommand() {
        this(Terminal.system());
    }

    PcpCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    Terminal terminal() {
        return terminal;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 1;
    }

    /**
     * Runs {@code pcp}, {@code pg_md5} or {@code pg_enc} when {@code args[0]} names one of them;
     * empty for any other command. The launcher's whole integration is one line:
     * {@code PcpCommand.dispatch(args).ifPresent(System::exit);}
     */
    public static OptionalInt dispatch(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(commandLine(args[0], Terminal.system()).execute(Arrays.copyOfRange(args, 1, args.length)));
    }

    /** Adds {@code pcp}, {@code pg_md5} and {@code pg_enc} to a picocli launcher. */
    public static void register(CommandLine launcher) {
        launcher.addSubcommand(commandLine("pcp", Terminal.system()));
        launcher.addSubcommand(commandLine("pg_md5", Terminal.system()));
        launcher.addSubcommand(commandLine("pg_enc", Terminal.system()));
    }

    /** A configured command line for one of the three commands; tests give their own terminal. */
    static CommandLine commandLine(String name, Terminal terminal) {
        Object command = switch (name) {
            case "pcp" -> new PcpCommand(terminal);
            case "pg_md5" -> new PgMd5Command(terminal);
            case "pg_enc" -> new PgEncCommand(terminal);
            default -> throw new IllegalArgumentException(name);
        };
        CommandLine line = new CommandLine(command);
        line.setOut(terminal.out());
        line.setErr(terminal.err());
        // pgpool-II's tools exit 1 on a usage error.
        line.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return 1;
        });
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("ERROR: " + e.getMessage());
            return 1;
        });
        return line;
    }

    /**
     * What the tools need from their surroundings: streams, environment, time zone, password
     * input. Tests substitute it; {@link #system()} is the real one.
     */
    record Terminal(PrintWriter out, PrintWriter err, Map<String, String> environment, ZoneId zone,
                    PasswordReader passwords) {

        static Terminal system() {
            return new Terminal(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                    new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.getenv(), ZoneId.systemDefault(),
                    Terminal::readPassword);
        }

        /** From the console without echo; when there is none (a pipe), one line of standard input. */
        private static String readPassword(String prompt) throws IOException {
            Console console = System.console();
            if (console != null) {
                char[] typed = console.readPassword("%s", prompt);
                return typed == null ? "" : new String(typed);
            }
            String line = StandardInput.READER.readLine();
            return line == null ? "" : line;
        }

        /** One reader for the whole run, so that a key and a password can come from one pipe. */
        private static final class StandardInput {
            static final BufferedReader READER =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
    }

    @FunctionalInterface
    interface PasswordReader {
        String read(String prompt) throws IOException;
    }
}
