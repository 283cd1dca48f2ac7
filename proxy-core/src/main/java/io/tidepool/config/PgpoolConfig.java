package io.tidepool.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded, validated pgpool.conf: typed access to every parameter of the
 * {@link ParameterCatalog}, defaults filled in. Immutable; a reload produces a new instance.
 *
 * <p>API contract shared by every module (the config owner fills in the implementation):
 * names are pgpool.conf names; indexed parameters are addressed with their index
 * ({@code backend_hostname0}). A per-node name that is not set falls back to the plain name where
 * pgpool-II allows one ({@code health_check_period0} → {@code health_check_period}).
 *
 * <p>Tidepool's own settings are read from {@code tidepool.conf} next to pgpool.conf (same syntax);
 * its values win over pgpool.conf's. Relative file names in the configuration (pool_passwd, ...)
 * are resolved against {@link #directory()}, the directory of pgpool.conf.
 */
public final class PgpoolConfig {

    /** File name of Tidepool's own settings, looked for next to pgpool.conf. */
    public static final String TIDEPOOL_CONF = "tidepool.conf";
    /** pgpool-II's file that says which watchdog node this proxy is (spec 5.1). */
    public static final String PGPOOL_NODE_ID_FILE = "pgpool_node_id";

    private final ParameterCatalog catalog;
    private final Map<String, ConfigSetting> settings;
    private final List<ConfigProblem> warnings;
    private final Optional<Path> sourceFile;
    private final Path directory;
    private final List<BackendDefinition> backends;
    private final int pgpoolNodeId;
    private final ConfigFileOverrides fileOverrides;

    PgpoolConfig(ParameterCatalog catalog, Map<String, ConfigSetting> settings, List<ConfigProblem> warnings,
                 Optional<Path> sourceFile, Path directory, List<BackendDefinition> backends, int pgpoolNodeId) {
        this(catalog, settings, warnings, sourceFile, directory, backends, pgpoolNodeId, ConfigFileOverrides.NONE);
    }

    private PgpoolConfig(ParameterCatalog catalog, Map<String, ConfigSetting> settings, List<ConfigProblem> warnings,
                         Optional<Path> sourceFile, Path directory, List<BackendDefinition> backends,
                         int pgpoolNodeId, ConfigFileOverrides fileOverrides) {
        this.catalog = catalog;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        this.warnings = List.copyOf(warnings);
        this.sourceFile = sourceFile;
        this.directory = directory;
        this.backends = List.copyOf(backends);
        this.pgpoolNodeId = pgpoolNodeId;
        this.fileOverrides = java.util.Objects.requireNonNull(fileOverrides, "fileOverrides");
    }

    /**
     * Reads and validates a pgpool.conf (following {@code include}), the optional tidepool.conf and
     * pgpool_node_id next to it; all problems at once.
     */
    public static PgpoolConfig load(Path file) throws ConfigException {
        return ConfigLoader.load(file);
    }

    /**
     * Builds a configuration from name/value pairs as they would appear in a file (for tests, the demo).
     * Values may be quoted ({@code "'127.0.0.1'"}) or not; relative paths resolve against the working
     * directory.
     */
    public static PgpoolConfig fromMap(Map<String, String> values) throws ConfigException {
        return ConfigLoader.fromMap(values, Path.of("").toAbsolutePath());
    }

    public String getString(String name) {
        ParameterCatalog.Known known = catalog.resolveKnown(name);
        return ValueParser.format(known.parameter(), value(known));
    }

    public int getInt(String name) {
        long value = getLong(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new ArithmeticException(name + " = " + value + " does not fit an int; use getLong");
        }
        return (int) value;
    }

    public long getLong(String name) {
        return (Long) typed(name, ParameterType.INT);
    }

    public boolean getBoolean(String name) {
        return (Boolean) typed(name, ParameterType.BOOL);
    }

    public double getDouble(String name) {
        ParameterCatalog.Known known = catalog.resolveKnown(name);
        Object value = value(known);
        if (value instanceof Long l) {
            return l;
        }
        return (Double) typed(name, ParameterType.REAL);
    }

    /**
     * A comma-separated list parameter, items trimmed, empty items dropped. LIST parameters split at
     * their own separator ({@code ;} for reset_query_list); string parameters split at commas.
     */
    public List<String> getList(String name) {
        ParameterCatalog.Known known = catalog.resolveKnown(name);
        Object value = value(known);
        if (known.parameter().type() == ParameterType.LIST) {
            return ValueParser.castList(value);
        }
        if (known.parameter().type() == ParameterType.STRING) {
            return ValueParser.splitList((String) value, ',');
        }
        throw wrongType(known, "getList");
    }

    /** The chosen word of an enum parameter with the code pgpool-II reports for it. */
    public EnumOption getOption(String name) {
        return (EnumOption) typed(name, ParameterType.ENUM);
    }

    /** A time parameter ({@code child_life_time}, {@code connect_timeout}) as a duration. */
    public Duration getDuration(String name) {
        ParameterCatalog.Known known = catalog.resolveKnown(name);
        long amount = (Long) typed(name, ParameterType.INT);
        return switch (known.parameter().unit()) {
            case MILLISECONDS -> Duration.ofMillis(amount);
            case SECONDS -> Duration.ofSeconds(amount);
            case MINUTES -> Duration.of(amount, ChronoUnit.MINUTES);
            default -> throw new IllegalArgumentException(name + " is not a time parameter");
        };
    }

    /**
     * The value as {@code PGPOOL SHOW} prints it (spec 2.3): booleans {@code on/off}, enums by name,
     * integers with the largest unit that divides them ({@code 30s}, {@code 5min}, {@code 64MB}),
     * file modes in octal, decimals as C's {@code %g}, lists as configured, passwords {@code *****}.
     */
    public String showValue(String name) {
        ParameterCatalog.Known known = catalog.resolveKnown(name);
        Parameter p = known.parameter();
        if (p.isSecret()) {
            return "*****";
        }
        Object value = value(known);
        return switch (p.type()) {
            case INT -> p.isFileMode()
                    ? String.format(Locale.ROOT, "%04o", (Long) value)
                    : p.unit().format((Long) value);
            case REAL -> ValueParser.formatLikeCG((Double) value);
            case LIST -> setting(name).map(ConfigSetting::text).orElse(p.defaultText());
            default -> ValueParser.format(p, value);
        };
    }

    /** Whether the name was set in a file or map (its own index only; no fallback). */
    public boolean isSet(String name) {
        return settings.containsKey(catalog.resolveKnown(name).key());
    }

    /** The explicit setting behind a name, with where it came from. */
    public Optional<ConfigSetting> setting(String name) {
        return Optional.ofNullable(settings.get(catalog.resolveKnown(name).key()));
    }

    /** Every explicitly set value, by full name, in the order first set. */
    public Map<String, ConfigSetting> settings() {
        return settings;
    }

    /** Configured backends ordered by index; gaps in the numbering are kept out. */
    public List<BackendDefinition> backends() {
        return backends;
    }

    /** Health check settings of one node, per-node values falling back to the plain ones. */
    public HealthCheckSettings healthCheck(int nodeId) {
        return new HealthCheckSettings(nodeId,
                getDuration("health_check_period" + nodeId),
                getDuration("health_check_timeout" + nodeId),
                getString("health_check_user" + nodeId),
                getString("health_check_password" + nodeId),
                getString("health_check_database" + nodeId),
                getInt("health_check_max_retries" + nodeId),
                getDuration("health_check_retry_delay" + nodeId),
                getDuration("connect_timeout" + nodeId));
    }

    /**
     * Fails when the configuration cannot serve clients: no backend configured. Loading accepts
     * such files (pgpool-II's packaged pgpool.conf has none); the server calls this before starting.
     */
    public void requireBackends() throws ConfigException {
        if (backends.isEmpty()) {
            throw new ConfigException(List.of(new ConfigProblem(sourceLabel(), 0,
                    "no backend is configured; set backend_hostname0 and backend_port0")));
        }
    }

    /** Non-fatal problems found while loading (unknown names, old names, ...), each with file and line. */
    public List<ConfigProblem> warnings() {
        return warnings;
    }

    /** The pgpool.conf this was loaded from; empty for {@link #fromMap}. */
    public Optional<Path> sourceFile() {
        return sourceFile;
    }

    /** Directory against which relative file names resolve: that of pgpool.conf. */
    public Path directory() {
        return directory;
    }

    /** A file name from the configuration, resolved against {@link #directory()} when relative. */
    public Path resolvePath(String fileName) {
        return directory.resolve(fileName).normalize();
    }

    /** pool_hba.conf: the one given with {@code -a}, else the one next to pgpool.conf. */
    public Path poolHbaFile() {
        return fileOverrides.poolHba().orElseGet(() -> resolvePath("pool_hba.conf"));
    }

    /** pcp.conf: the one given with {@code -F}, else the one next to pgpool.conf. */
    public Path pcpConfFile() {
        return fileOverrides.pcpConf().orElseGet(() -> resolvePath("pcp.conf"));
    }

    /**
     * The pool key file given with {@code -k}; empty: the process default applies
     * ({@code PGPOOLKEYFILE}, else {@code ~/.pgpoolkey}, see {@code PoolKey.defaultFile}).
     */
    public Optional<Path> poolKeyFile() {
        return fileOverrides.poolKey();
    }

    /** The files given on the command line instead of the defaults. */
    public ConfigFileOverrides fileOverrides() {
        return fileOverrides;
    }

    /**
     * The same configuration reading pcp.conf, pool_hba.conf and the pool key from where
     * {@code overrides} say. Carry them over to a reloaded configuration with
     * {@code PgpoolConfig.load(file).withFileOverrides(old.fileOverrides())}.
     */
    public PgpoolConfig withFileOverrides(ConfigFileOverrides overrides) {
        return new PgpoolConfig(catalog, settings, warnings, sourceFile, directory, backends, pgpoolNodeId, overrides);
    }

    /**
     * The same configuration with {@code name} set to {@code text}, checked as a value written in
     * pgpool.conf would be. This is what {@code PGPOOL SET} makes of a session's view (spec 2.3);
     * whether the parameter may change per session is the caller's question.
     *
     * @throws IllegalArgumentException naming the value and what was expected, when {@code name} is
     *                                  not a parameter or {@code text} is not a valid value of it
     */
    public PgpoolConfig withSessionValue(String name, String text) {
        ParameterCatalog.Known known = catalog.resolveKnown(name);
        Parameter p = known.parameter();
        ValueParser.Result result = ValueParser.parse(p, text);
        if (result instanceof ValueParser.Invalid invalid) {
            throw new IllegalArgumentException(ValueParser.message(known.key(), text, p, invalid));
        }
        Map<String, ConfigSetting> changed = new LinkedHashMap<>(settings);
        changed.put(known.key(), new ConfigSetting(known.key(), p, known.index(), text,
                ((ValueParser.Ok) result).value(), "PGPOOL SET", 0));
        return new PgpoolConfig(catalog, changed, warnings, sourceFile, directory, backends, pgpoolNodeId, fileOverrides);
    }

    /** The pool_passwd file; empty when {@code pool_passwd = ''} turns it off. */
    public Optional<Path> poolPasswdFile() {
        String name = getString("pool_passwd");
        return name.isEmpty() ? Optional.empty() : Optional.of(resolvePath(name));
    }

    /** The watchdog nodes configured ({@code pgpool_portN} not 0), by index. */
    public List<Integer> watchdogNodeIds() {
        return configuredSlots("pgpool_port", WatchdogParameters.MAX_WATCHDOG_NODES);
    }

    /** The heartbeat destinations configured ({@code heartbeat_portN} not 0), by index. */
    public List<Integer> heartbeatDestinations() {
        return configuredSlots("heartbeat_port", WatchdogParameters.MAX_HEARTBEAT_DESTINATIONS);
    }

    private List<Integer> configuredSlots(String port, int limit) {
        List<Integer> ids = new java.util.ArrayList<>();
        for (int i = 0; i < limit; i++) {
            if (getInt(port + i) != 0) {
                ids.add(i);
            }
        }
        return ids;
    }

    /** This proxy's watchdog node id from the pgpool_node_id file; 0 when there is none. */
    public int pgpoolNodeId() {
        return pgpoolNodeId;
    }

    public ParameterCatalog catalog() {
        return catalog;
    }

    String sourceLabel() {
        return sourceFile.map(p -> p.getFileName().toString()).orElse(ConfigLoader.MAP_LABEL);
    }

    /** The effective typed value of a parameter key: explicit, else plain fallback, else default. */
    Object value(ParameterCatalog.Known known) {
        ConfigSetting own = settings.get(known.key());
        if (own != null) {
            return own.value();
        }
        Parameter p = known.parameter();
        if (known.index() >= 0 && p.indexing() == Parameter.Indexing.OPTIONAL) {
            ConfigSetting plain = settings.get(p.name());
            if (plain != null) {
                return plain.value();
            }
        }
        return catalog.defaultValue(p);
    }

    private Object typed(String name, ParameterType type) {
        ParameterCatalog.Known known = catalog.resolveKnown(name);
        if (known.parameter().type() != type) {
            throw wrongType(known, "get" + type);
        }
        return value(known);
    }

    private static IllegalArgumentException wrongType(ParameterCatalog.Known known, String getter) {
        return new IllegalArgumentException(known.key() + " is a " + known.parameter().type()
                + " parameter; " + getter + " does not apply");
    }
}
