package io.tidepool.app;

import io.tidepool.console.client.ClusterClientKind;
import io.tidepool.console.connections.ConnectionProfile;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a remote pgpool-II is, for {@code console} and {@code screenshots}. Passwords are not
 * options (they would show in {@code ps}): {@code ~/.pgpass} and {@code ~/.pcppass} supply them.
 */
final class ClusterOptions {

    @Option(names = {"-h", "--host"}, description = "pgpool-II host to connect to at start")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "9999", description = "pgpool-II SQL port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = {"-U", "--user"}, description = "database user (default: the OS user)")
    String user;

    @Option(names = {"-d", "--database"}, defaultValue = "postgres", description = "database (default: ${DEFAULT-VALUE})")
    String database;

    @Option(names = "--pcp-port", defaultValue = "0", description = "PCP port for node actions (default: none, view only)")
    int pcpPort;

    @Option(names = "--pcp-user", description = "PCP user (default: the database user)")
    String pcpUser;

    Optional<ConnectionProfile> profile() {
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        String u = user != null ? user : System.getProperty("user.name", "postgres");
        return Optional.of(new ConnectionProfile("pgpool-II " + host + ":" + port, ClusterClientKind.REMOTE_PGPOOL,
                host, port, database, u, pcpPort, pcpUser != null ? pcpUser : u));
    }

    /** The same settings as {@code --key=value} arguments for {@code io.tidepool.console.ConsoleOptions}. */
    List<String> asApplicationArguments() {
        List<String> args = new ArrayList<>();
        profile().ifPresent(p -> {
            args.add("--host=" + p.host());
            args.add("--port=" + p.port());
            args.add("--user=" + p.user());
            args.add("--database=" + p.database());
            args.add("--pcp-port=" + p.pcpPort());
            args.add("--pcp-user=" + p.pcpUser());
        });
        return args;
    }
}
