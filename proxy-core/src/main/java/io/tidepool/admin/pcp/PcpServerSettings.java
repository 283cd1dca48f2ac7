package io.tidepool.admin.pcp;

import io.tidepool.config.PgpoolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where and how the PCP server listens.
 *
 * @param listenAddresses {@code pcp_listen_addresses}: host names or addresses, {@code *} for all,
 *                        empty for no TCP listener
 * @param port            {@code pcp_port}; 0 picks a free port (tests)
 * @param socketDirs      {@code pcp_socket_dir}: one Unix socket {@code .s.PGSQL.<port>} per directory
 * @param nodeInfoLayout  the node-info layout of the served client generation ({@code pcp_client_version})
 * @param stallTimeout    how long a client may take to authenticate or to finish a started packet; an
 *                        authenticated client idle between requests is not cut off (as in pgpool-II)
 * @param zone            time zone of the timestamps the server formats
 */
public record PcpServerSettings(List<String> listenAddresses, int port, List<Path> socketDirs,
                                NodeInfoLayout nodeInfoLayout, Duration stallTimeout, ZoneId zone) {

    public static final int DEFAULT_PORT = 9898;
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PcpServerSettings.class);

    public PcpServerSettings {
        listenAddresses = List.copyOf(listenAddresses);
        socketDirs = List.copyOf(socketDirs);
        Objects.requireNonNull(nodeInfoLayout, "nodeInfoLayout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(zone, "zone");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("pcp_port " + port + " is outside 0..65535");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stall timeout must be positive");
        }
    }

    /** TCP on one address, no Unix socket: what tests use. */
    public static PcpServerSettings tcp(String address, int port, NodeInfoLayout layout) {
        return new PcpServerSettings(List.of(address), port, List.of(), layout, DEFAULT_STALL_TIMEOUT,
                ZoneId.systemDefault());
    }

    public PcpServerSettings withStallTimeout(Duration timeout) {
        return new PcpServerSettings(listenAddresses, port, socketDirs, nodeInfoLayout, timeout, zone);
    }

    public PcpServerSettings withSocketDirs(List<Path> dirs) {
        return new PcpServerSettings(listenAddresses, port, dirs, nodeInfoLayout, stallTimeout, zone);
    }

    /**
     * Reads {@code pcp_listen_addresses}, {@code pcp_port}, {@code pcp_socket_dir} and
     * Tidepool's {@code pcp_client_version} ({@code auto}: the release of the tools installed
     * here, else the newest layout).
     */
    public static PcpServerSettings fromConfig(PgpoolConfig config) {
        List<Path> dirs = config.getList("pcp_socket_dir").stream().map(Path::of).toList();
        return new PcpServerSettings(
                config.getList("pcp_listen_addresses"),
                config.getInt("pcp_port"),
                dirs,
                nodeInfoLayout(config.getString("pcp_client_version"), InstalledPcpTools::find),
                DEFAULT_STALL_TIMEOUT,
                ZoneId.systemDefault());
    }

    /** The layout {@code pcp_client_version} asks for; {@code auto} asks {@code installed}. */
    static NodeInfoLayout nodeInfoLayout(String configured, Supplier<Optional<InstalledPcpTools.Found>> installed) {
        if (!configured.equals("auto")) {
            return NodeInfoLayout.forClientVersion(configured);
        }
        Optional<InstalledPcpTools.Found> found = installed.get();
        if (found.isEmpty()) {
            log.info("pcp_client_version = 'auto': no pgpool-II pcp tools installed here; serving the node-info layout"
                    + " of the newest tools (set pcp_client_version in tidepool.conf for older ones)");
            return NodeInfoLayout.NEWEST;
        }
        try {
            NodeInfoLayout layout = NodeInfoLayout.forClientVersion(found.get().version());
            log.info("pcp_client_version = 'auto': serving the node-info layout of pgpool-II {} ({} is installed)",
                    found.get().version(), found.get().tool());
            return layout;
        } catch (IllegalArgumentException e) {
            log.warn("pcp_client_version = 'auto': {} is pgpool-II {}, which Tidepool does not serve ({});"
                    + " serving the newest layout", found.get().tool(), found.get().version(), e.getMessage());
            return NodeInfoLayout.NEWEST;
        }
    }
}
