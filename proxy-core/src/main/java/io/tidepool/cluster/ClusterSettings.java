package io.tidepool.cluster;

import io.tidepool.auth.PoolKey;
import io.tidepool.config.BackendDefinition;
import io.tidepool.config.HealthCheckSettings;
import io.tidepool.config.PgpoolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The part of the configuration the cluster owner uses, read once per (re)load so that the
 * checks and the failover never look at a half-applied configuration.
 *
 * @param backends             configured backends by index; gaps in the numbering are absent
 * @param healthChecks         per slot 0..slotCount-1, per-node values falling back to the plain ones
 * @param delayThresholdBytes  {@code delay_threshold}; 0 = no threshold
 * @param delayThresholdByTime {@code delay_threshold_by_time}; zero = measure in bytes
 * @param recoveryUser         the account for administrative SQL (built-in promotion, re-pointing standbys);
 *                             empty: {@code sr_check_user}
 * @param commandTimeout       limit for one run of failover/failback/follow-primary commands (pgpool-II has none;
 *                             a hung script must not stop the cluster from ever changing again)
 * @param workDir              where {@code pgpool_status} lives ({@code work_dir}, formerly {@code logdir})
 * @param poolKeyFile          the pool key for {@code AES} passwords of the checks: {@code -k}, else
 *                             {@code PGPOOLKEYFILE} or {@code ~/.pgpoolkey} (it need not exist)
 */
public record ClusterSettings(
        ClusteringMode mode,
        List<BackendDefinition> backends,
        List<HealthCheckSettings> healthChecks,
        Duration srCheckPeriod,
        String srCheckUser,
        String srCheckPassword,
        String srCheckDatabase,
        long delayThresholdBytes,
        Duration delayThresholdByTime,
        LogStandbyDelay logStandbyDelay,
        String failoverCommand,
        String failbackCommand,
        String followPrimaryCommand,
        boolean failoverOnBackendError,
        boolean failoverOnBackendShutdown,
        boolean detachFalsePrimary,
        Duration searchPrimaryNodeTimeout,
        boolean autoFailback,
        Duration autoFailbackInterval,
        boolean builtinFailover,
        Duration recoveryTimeout,
        String recoveryUser,
        String recoveryPassword,
        String recoveryDatabase,
        Duration commandTimeout,
        Path workDir,
        Optional<Path> poolPasswdFile,
        Path poolKeyFile) {

    /** {@code log_standby_delay}. */
    public enum LogStandbyDelay { ALWAYS, IF_OVER_THRESHOLD, NONE }

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);

    public ClusterSettings {
        Objects.requireNonNull(mode, "mode");
        backends = List.copyOf(backends);
        healthChecks = List.copyOf(healthChecks);
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(poolPasswdFile, "poolPasswdFile");
        Objects.requireNonNull(poolKeyFile, "poolKeyFile");
    }

    public static ClusterSettings fromConfig(PgpoolConfig config) {
        List<BackendDefinition> backends = config.backends();
        int slots = backends.isEmpty() ? 0 : backends.get(backends.size() - 1).id() + 1;
        List<HealthCheckSettings> checks = new ArrayList<>();
        for (int id = 0; id < slots; id++) {
            checks.add(config.healthCheck(id));
        }
        ClusteringMode mode = ClusteringMode.fromConfigName(config.getOption("backend_clustering_mode").name())
                .orElse(ClusteringMode.STREAMING_REPLICATION);
        LogStandbyDelay logDelay = LogStandbyDelay.valueOf(
                config.getOption("log_standby_delay").name().toUpperCase(Locale.ROOT));
        return new ClusterSettings(mode, backends, checks,
                config.getDuration("sr_check_period"),
                config.getString("sr_check_user"),
                config.getString("sr_check_password"),
                config.getString("sr_check_database"),
                config.getLong("delay_threshold"),
                config.getDuration("delay_threshold_by_time"),
                logDelay,
                config.getString("failover_command"),
                config.getString("failback_command"),
                config.getString("follow_primary_command"),
                config.getBoolean("failover_on_backend_error"),
                config.getBoolean("failover_on_backend_shutdown"),
                config.getBoolean("detach_false_primary"),
                config.getDuration("search_primary_node_timeout"),
                config.getBoolean("auto_failback"),
                config.getDuration("auto_failback_interval"),
                config.getBoolean("builtin_failover"),
                config.getDuration("recovery_timeout"),
                config.getString("recovery_user"),
                config.getString("recovery_password"),
                config.getString("recovery_database"),
                DEFAULT_COMMAND_TIMEOUT,
                config.resolvePath(config.getString("work_dir")),
                config.poolPasswdFile(),
                PoolKey.fileFor(config.poolKeyFile()));
    }

    /** pgpool-II's {@code num_backends}: highest configured index + 1. */
    public int slotCount() {
        return healthChecks.size();
    }

    public Optional<BackendDefinition> backend(int id) {
        return backends.stream().filter(b -> b.id() == id).findFirst();
    }

    public HealthCheckSettings healthCheck(int id) {
        return healthChecks.get(id);
    }

    /** Whether the replication delay is measured in time ({@code delay_threshold_by_time} > 0). */
    public boolean delayByTime() {
        return !delayThresholdByTime.isZero();
    }

    public Path statusFile() {
        return workDir.resolve(StatusFile.NAME);
    }

    public ClusterSettings withCommandTimeout(Duration timeout) {
        return new ClusterSettings(mode, backends, healthChecks, srCheckPeriod, srCheckUser, srCheckPassword,
                srCheckDatabase, delayThresholdBytes, delayThresholdByTime, logStandbyDelay, failoverCommand,
                failbackCommand, followPrimaryCommand, failoverOnBackendError, failoverOnBackendShutdown,
                detachFalsePrimary, searchPrimaryNodeTimeout, autoFailback, autoFailbackInterval, builtinFailover,
                recoveryTimeout, recoveryUser, recoveryPassword, recoveryDatabase, timeout, workDir, poolPasswdFile,
                poolKeyFile);
    }
}
