package io.tidepool.server;

import io.tidepool.config.ConfigDiff;
import io.tidepool.config.PgpoolConfig;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What a reload changed, for the reload report: every changed name, and those that wait for a restart. */
record ConfigChanges(List<String> changed, List<String> needRestart) {

    /**
     * @param restartFromServer names the running server said it cannot apply (it may know of more
     *     than the catalog does, e.g. a listener that failed to rebind)
     */
    static ConfigChanges between(PgpoolConfig before, PgpoolConfig after, List<String> restartFromServer) {
        ConfigDiff diff = ConfigDiff.between(before, after);
        Set<String> restart = new LinkedHashSet<>(diff.restartRequiredNames());
        restart.addAll(restartFromServer);
        return new ConfigChanges(diff.changes().stream().map(ConfigDiff.Change::key).toList(), List.copyOf(restart));
    }
}
