package io.tidepool.backend;

/**
 * Where one configured backend listens ({@code backend_hostnameN}, {@code backend_portN}).
 * A host name starting with {@code /} is a Unix-socket directory, as in libpq and pgpool-II:
 * the socket is {@code <directory>/.s.PGSQL.<port>}.
 */
public record BackendNode(int id, String host, int port) {

    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    /** How the node reads in messages: {@code node 0 (127.0.0.1:5432)}. */
    public String describe() {
        return "node " + id + " (" + (isUnixSocket() ? host + "/.s.PGSQL." + port : host + ":" + port) + ")";
    }
}
