package io.tidepool.console;

import io.tidepool.console.connections.ConnectionProfile;

import java.util.Map;
import java.util.Optional;

/**
 * What the console was started with: optionally a pgpool-II to connect to at once
 * ({@code --host=... --port=... [--user=...] [--database=...] [--pcp-port=...] [--pcp-user=...]})
 * or a saved connection by name ({@code --connect=name}). Passwords are never options:
 * {@code ~/.pgpass} and {@code ~/.pcppass} supply them.
 */
public record ConsoleOptions(Optional<ConnectionProfile> connectTo, Optional<String> savedName, boolean measureStartup) {

    /** {@code --measure-startup=true}: print the time to first paint and exit (for the startup test). */
    public static ConsoleOptions fromNamed(Map<String, String> named) {
        Optional<String> saved = Optional.ofNullable(named.get("connect"));
        boolean measure = Boolean.parseBoolean(named.getOrDefault("measure-startup", "false"));
        if (!named.containsKey("host")) {
            return new ConsoleOptions(Optional.empty(), saved, measure);
        }
        String user = named.getOrDefault("user", System.getProperty("user.name", "postgres"));
        String host = named.get("host");
        int port = Integer.parseInt(named.getOrDefault("port", "9999"));
        ConnectionProfile p = new ConnectionProfile(
                named.getOrDefault("name", "pgpool-II " + host + ":" + port),
                io.tidepool.console.client.ClusterClientKind.REMOTE_PGPOOL,
                host, port,
                named.getOrDefault("database", "postgres"),
                user,
                Integer.parseInt(named.getOrDefault("pcp-port", "0")),
                named.getOrDefault("pcp-user", user));
        return new ConsoleOptions(Optional.of(p), saved, measure);
    }
}
