package io.tidepool.app;

import io.tidepool.app.bench.BenchCommand;
import io.tidepool.app.demo.DemoCommand;
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
            // Registered by their own issues, next to these two:
            //   console      the desktop console (issue 6)
            //   screenshots  renders the console's main views to PNG files (issue 6)
            //   pcp          pgpool-II's pcp_* tools (issue 4)
            //   pg_md5, pg_enc  pool_passwd / pcp.conf entries (issue 4)
            CommandLine.HelpCommand.class,
        })
public final class TidepoolCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private TidepoolCli() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The launcher's command tree (tests drive it directly). */
    public static CommandLine commandLine() {
        return new CommandLine(new TidepoolCli()).setCaseInsensitiveEnumValuesAllowed(true);
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
