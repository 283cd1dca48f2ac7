package io.tidepool.server;

import io.tidepool.backend.BackendPool;
import io.tidepool.config.BackendDefinition;
import io.tidepool.config.BackendFlag;
import io.tidepool.config.PgpoolConfig;
import io.tidepool.routing.RoutingSettings;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How many sessions are served and how statements are routed: the part of pgpool.conf that
 * streaming-replication sessions and the admission queue read.
 *
 * @param numInitChildren         sessions served at once ({@code <= 0}: unlimited)
 * @param reservedConnections     with {@code > 0}, clients past {@code numInitChildren - reservedConnections}
 *                                are refused (53300) instead of queued
 * @param listenBacklogMultiplier queue length as a multiple of {@code numInitChildren}
 * @param routing                 the router's settings
 * @param weights                 {@code backend_weightN} by node position
 * @param primaryHint             the node treated as primary until the cluster owner says otherwise: the
 *                                node flagged ALWAYS_PRIMARY, else the first configured node
 * @param config                  the loaded configuration (SHOW pool_status, PGPOOL SHOW), when there is one
 * @param catalogUser             who looks function volatility up in pg_proc on the primary
 *                                ({@code sr_check_user}); empty: no look-ups, such statements go to the primary
 * @param catalogPassword         {@code sr_check_password} (plain text; empty for trust)
 * @param pool                    connection_cache and its limits ({@link BackendPool} documents the mapping)
 * @param clientIdleLimit         {@code client_idle_limit}; zero: never
 */
public record ServingSettings(int numInitChildren, int reservedConnections, int listenBacklogMultiplier,
                              RoutingSettings routing, List<Double> weights, int primaryHint,
                              Optional<PgpoolConfig> config, String catalogUser, String catalogPassword,
                              BackendPool.Settings pool, Duration clientIdleLimit) {

    public ServingSettings {
        weights = List.copyOf(weights);
    }

    /** No limit, default routing, equal weights, node 0 primary: tests and raw mode. */
    public static ServingSettings unlimited() {
        return new ServingSettings(0, 0, 2, RoutingSettings.defaults(), List.of(), 0, Optional.empty(), "", "",
                BackendPool.Settings.DISABLED, Duration.ZERO);
    }

    public static ServingSettings from(PgpoolConfig config) {
        List<BackendDefinition> backends = config.backends();
        int primary = backends.isEmpty() ? 0 : backends.get(0).id();
        for (BackendDefinition b : backends) {
            if (b.flag().alwaysPrimary()) {
                primary = b.id();
            }
        }
        return new ServingSettings(config.getInt("num_init_children"), config.getInt("reserved_connections"),
                config.getInt("listen_backlog_multiplier"), RoutingSettings.fromConfig(config),
                backends.stream().map(BackendDefinition::weight).toList(), primary, Optional.of(config),
                config.getString("sr_check_user"), plainPassword(config.getString("sr_check_password")),
                poolSettings(config), config.getDuration("client_idle_limit"));
    }

    private static BackendPool.Settings poolSettings(PgpoolConfig config) {
        Duration life = config.getDuration("connection_life_time");
        Duration child = config.getDuration("child_life_time");
        Duration idle = life.isZero() ? child : child.isZero() ? life : (life.compareTo(child) < 0 ? life : child);
        return new BackendPool.Settings(config.getBoolean("connection_cache"),
                Math.max(1, config.getInt("num_init_children")) * Math.max(0, config.getInt("max_pool")), idle,
                config.getInt("child_max_connections"), config.getList("reset_query_list"));
    }

    public ServingSettings withLimits(int children, int reserved) {
        return new ServingSettings(children, reserved, listenBacklogMultiplier, routing, weights, primaryHint, config, catalogUser, catalogPassword, pool, clientIdleLimit);
    }

    /** num_init_children, reserved_connections and listen_backlog_multiplier. */
    public ServingSettings withLimits(int children, int reserved, int backlogMultiplier) {
        return new ServingSettings(children, reserved, backlogMultiplier, routing, weights, primaryHint, config,
                catalogUser, catalogPassword, pool, clientIdleLimit);
    }

    /** Catalog look-ups (function volatility) as {@code user}. */
    public ServingSettings withCatalogUser(String user, String password) {
        return new ServingSettings(numInitChildren, reservedConnections, listenBacklogMultiplier, routing, weights,
                primaryHint, config, user, password, pool, clientIdleLimit);
    }

    /**
     * An {@code md5...} or {@code AES...} sr_check_password cannot be sent as is; until pool_passwd
     * decoding is shared (AUTH engineer) only a plain-text one is used.
     */
    private static String plainPassword(String value) {
        return value.startsWith("md5") || value.startsWith("AES") || value.startsWith("SCRAM-") ? "" : value;
    }

    /** client_idle_limit. */
    public ServingSettings withClientIdleLimit(Duration limit) {
        return new ServingSettings(numInitChildren, reservedConnections, listenBacklogMultiplier, routing, weights,
                primaryHint, config, catalogUser, catalogPassword, pool, limit);
    }

    /** The pool's settings. */
    public ServingSettings withPool(BackendPool.Settings newPool) {
        return new ServingSettings(numInitChildren, reservedConnections, listenBacklogMultiplier, routing, weights,
                primaryHint, config, catalogUser, catalogPassword, newPool, clientIdleLimit);
    }

    public ServingSettings withRouting(RoutingSettings newRouting) {
        return new ServingSettings(numInitChildren, reservedConnections, listenBacklogMultiplier, newRouting, weights,
                primaryHint, config, catalogUser, catalogPassword, pool, clientIdleLimit);
    }

    public ServingSettings withWeights(List<Double> newWeights) {
        return new ServingSettings(numInitChildren, reservedConnections, listenBacklogMultiplier, routing, newWeights,
                primaryHint, config, catalogUser, catalogPassword, pool, clientIdleLimit);
    }
}
