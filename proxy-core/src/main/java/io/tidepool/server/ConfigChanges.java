package io.tidepool.server;

import io.tidepool.config.PgpoolConfig;

import java.util.List;

/** The parameter names whose values differ between two configurations, for reload reports. */
final class ConfigChanges {
    private ConfigChanges() {
    }

    static List<String> between(PgpoolConfig before, PgpoolConfig after) {
        // Filled in once PgpoolConfig exposes its parameter names (config branch).
        return List.of();
    }
}
