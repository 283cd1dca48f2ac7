package io.tidepool.app;

import io.tidepool.app.bench.BenchCommand;
import io.tidepool.app.demo.DemoCommand;
import io.tidepool.app.pcp.PcpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the launcher ({@code ./tidepool <command>}).
 *
 * <p>{@code proxy}, {@code stop} and {@code reload} are not here: the {@code ./tidepool}
 * script hands them to the headless server jar ({@code io.tidepool.server.ProxyMain}), which
 * is what runs on servers without this launcher. {@code test} is a shell script
 * ({@code installers/dev/run-tests.sh}) because it installs what Maven and Java need.
 */
@Command(name = "tidepool",
        mixinStandardHelpOptions = true,
        versionProvider = TidepoolCli.Version.class,
        description = "PostgreSQL middleware compatible with pgpool-II, and its console.",
        subcommands = {
            DemoCommand.class,
            BenchCommand.class,
            ConsoleCommand.class,
            ScreenshotsCommand.class,
            // pcp, pg_md5 and pg_enc are added in commandLine() (PcpCommand.register).
            CommandLine.HelpCommand.class,
        })
public final class TidepoolCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private TidepoolCli() {
    }

    public static void main(String[] args) {
        // pcp, pg_md5 and pg_enc run on their own command lines: pgpool-II's tools use -h for the host.
        PcpCommand.dispatch(args).ifPresent(System::exit);
        System.exit(commandLine().execute(args));
    }

    /** The launcher's command tree (tests drive it directly). */
    public static CommandLine commandLine() {
        CommandLine launcher = new CommandLine(new TidepoolCli()).setCaseInsensitiveEnumValuesAllowed(true);
        PcpCommand.register(launcher); // listed in the launcher's help
        return launcher;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TidepoolCli.class.getPackage().getImplementationVersion();
            return new String[] {"Tidepool " + (version == null ? "(development)" : version)};
        }
    }
}
