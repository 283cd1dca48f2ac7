package io.tidepool.app;

import io.tidepool.console.ConsoleOptions;
import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.connections.ConnectionProfile;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleCommandsTest {

    @Test
    void consoleOptionsBecomeAPgpoolProfile() {
        ConsoleCommand c = new ConsoleCommand();
        new CommandLine(c).parseArgs("--host", "db1", "--port", "5433", "-U", "app", "--pcp-port", "9898");

        ConnectionProfile p = c.cluster.profile().orElseThrow();

        assertThat(p).isEqualTo(new ConnectionProfile("pgpool-II db1:5433", ClusterClientKind.REMOTE_PGPOOL,
                "db1", 5433, "postgres", "app", 9898, "app"));
    }

    @Test
    void applicationArgumentsRoundTripThroughConsoleOptions() {
        ConsoleCommand c = new ConsoleCommand();
        new CommandLine(c).parseArgs("--host=db1", "--pcp-port=9898", "--pcp-user=pcpadmin", "-U", "app");

        List<String> args = c.cluster.asApplicationArguments();
        Map<String, String> named = args.stream().map(a -> a.substring(2).split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));

        assertThat(ConsoleOptions.fromNamed(named).connectTo()).contains(new ConnectionProfile("pgpool-II db1:9999",
                ClusterClientKind.REMOTE_PGPOOL, "db1", 9999, "postgres", "app", 9898, "pcpadmin"));
    }

    @Test
    void dashHIsTheHostAndHelpIsSpelledOut() {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new ConsoleCommand());
        cli.setOut(new java.io.PrintWriter(out));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("-h, --host=<host>").contains("--help");
        ScreenshotsCommand s = new ScreenshotsCommand();
        new CommandLine(s).parseArgs("-h", "db1");
        assertThat(s.cluster.profile()).isPresent();
    }

    @Test
    void withoutHostTheConsoleStartsUnconnected() {
        ConsoleCommand c = new ConsoleCommand();
        new CommandLine(c).parseArgs();

        assertThat(c.cluster.profile()).isEmpty();
        assertThat(c.cluster.asApplicationArguments()).isEmpty();
    }

    @Test
    void screenshotsWithoutHostSaysWhatIsMissing() throws Exception {
        ScreenshotsCommand s = new ScreenshotsCommand();
        new CommandLine(s).parseArgs("--out", "x");

        assertThat(s.call()).isEqualTo(2);
    }
}
