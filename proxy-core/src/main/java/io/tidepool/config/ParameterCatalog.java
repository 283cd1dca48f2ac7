package io.tidepool.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every parameter of pgpool-II 4.7's sample configuration plus Tidepool's own settings: the single
 * source the parser, validation, {@code SHOW pool_status}, {@code pcp_pool_status} and the console's
 * config editor read. The definitions live in one small class per group; this class indexes them
 * and resolves the names found in files ({@code backend_port3}, old spellings).
 */
public final class ParameterCatalog {

    private static final ParameterCatalog STANDARD = build();

    private final Map<String, Parameter> byName;
    private final Map<String, DeprecatedName> deprecated;
    private final Map<String, Object> defaults;

    private ParameterCatalog(List<Parameter> parameters, List<DeprecatedName> deprecatedNames) {
        Map<String, Parameter> names = new LinkedHashMap<>();
        Map<String, Object> defaultValues = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (names.put(p.name(), p) != null) {
                throw new IllegalStateException("parameter defined twice: " + p.name());
            }
            ValueParser.Result parsed = ValueParser.parse(p, p.defaultText());
            if (!(parsed instanceof ValueParser.Ok ok)) {
                throw new IllegalStateException("default of " + p.name() + " is invalid: " + p.defaultText());
            }
            defaultValues.put(p.name(), ok.value());
        }
        Map<String, DeprecatedName> old = new LinkedHashMap<>();
        for (DeprecatedName d : deprecatedNames) {
            old.put(d.name(), d);
        }
        this.byName = Collections.unmodifiableMap(names);
        this.defaults = Collections.unmodifiableMap(defaultValues);
        this.deprecated = Collections.unmodifiableMap(old);
    }

    /** The catalog of this Tidepool release. */
    public static ParameterCatalog standard() {
        return STANDARD;
    }

    private static ParameterCatalog build() {
        List<Parameter> all = new ArrayList<>();
        register(all, ParameterGroup.CLUSTERING, ConnectionParameters::clustering);
        register(all, ParameterGroup.CONNECTIONS, ConnectionParameters::connections);
        register(all, ParameterGroup.BACKENDS, BackendParameters::backends);
        register(all, ParameterGroup.AUTHENTICATION, ConnectionParameters::authentication);
        register(all, ParameterGroup.SSL, ConnectionParameters::ssl);
        register(all, ParameterGroup.POOLS, PoolParameters::pools);
        register(all, ParameterGroup.LOGGING, LoggingParameters::logging);
        register(all, ParameterGroup.FILE_LOCATIONS, LoggingParameters::fileLocations);
        register(all, ParameterGroup.CONNECTION_POOLING, PoolParameters::connectionPooling);
        register(all, ParameterGroup.REPLICATION, RoutingParameters::replication);
        register(all, ParameterGroup.LOAD_BALANCING, RoutingParameters::loadBalancing);
        register(all, ParameterGroup.STREAMING_REPLICATION, RoutingParameters::streamingReplication);
        register(all, ParameterGroup.HEALTH_CHECK, ClusterParameters::healthCheck);
        register(all, ParameterGroup.FAILOVER, ClusterParameters::failover);
        register(all, ParameterGroup.RECOVERY, ClusterParameters::recovery);
        register(all, ParameterGroup.WATCHDOG, WatchdogParameters::watchdog);
        register(all, ParameterGroup.WATCHDOG_LIFECHECK, WatchdogParameters::lifecheck);
        register(all, ParameterGroup.RELATION_CACHE, CacheParameters::relationCache);
        register(all, ParameterGroup.MEMORY_CACHE, CacheParameters::memoryCache);
        register(all, ParameterGroup.TIDEPOOL, TidepoolParameters::tidepool);
        return new ParameterCatalog(all, DeprecatedNames.all());
    }

    private static void register(List<Parameter> all, ParameterGroup group,
                                 Supplier<List<Parameter.Builder>> definitions) {
        boolean tidepoolOnly = group == ParameterGroup.TIDEPOOL;
        for (Parameter.Builder b : definitions.get()) {
            all.add(b.build(group, tidepoolOnly));
        }
    }

    /** All parameters in file order (group by group). */
    public List<Parameter> all() {
        return List.copyOf(byName.values());
    }

    /** The parameters of one group, in file order. */
    public List<Parameter> group(ParameterGroup group) {
        return byName.values().stream().filter(p -> p.group() == group).toList();
    }

    /** A parameter by its name without index ({@code backend_port}, {@code port}). */
    public Optional<Parameter> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Like {@link #find} but for names known to exist. */
    public Parameter get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown parameter '" + name + "'"));
    }

    /** The default value of a parameter, typed as {@link ValueParser} describes. */
    Object defaultValue(Parameter parameter) {
        return defaults.get(parameter.name());
    }

    /** The old names that still load, with what became of them. */
    public List<DeprecatedName> deprecatedNames() {
        return List.copyOf(deprecated.values());
    }

    /**
     * Checks one value as the file loader would, for editors: empty when {@code text} is a valid value
     * of {@code name} ({@code backend_port1}); otherwise the message a file would get, without file
     * and line. Old names report their deprecation; cross-parameter checks need a whole file.
     */
    public Optional<String> validate(String name, String text) {
        Resolution r = resolve(name);
        if (r instanceof Deprecated old) {
            if (!old.name().carriedOver()) {
                return Optional.of(old.name().warning(name, old.replacementKey()));
            }
            r = resolve(old.replacementKey());
        }
        if (r instanceof Known known) {
            ValueParser.Result result = ValueParser.parse(known.parameter(), text);
            return result instanceof ValueParser.Invalid invalid
                    ? Optional.of(ValueParser.message(known.key(), text, known.parameter(), invalid))
                    : Optional.empty();
        }
        if (r instanceof MissingIndex) {
            return Optional.of(ConfigAssembler.missingIndex(name));
        }
        if (r instanceof IndexOutOfRange out) {
            return Optional.of(ConfigAssembler.indexOutOfRange(name, out.parameter()));
        }
        return Optional.of(ConfigAssembler.unknown(name, (Unknown) r));
    }

    // ---------------------------------------------------------------- name resolution

    /** What a name written in a file means. */
    sealed interface Resolution permits Known, Deprecated, MissingIndex, IndexOutOfRange, Unknown {
    }

    /** A catalog parameter; {@code index} is -1 for a plain name. */
    record Known(Parameter parameter, int index) implements Resolution {
        String key() {
            return index < 0 ? parameter.name() : parameter.name() + index;
        }
    }

    record Deprecated(DeprecatedName name, int index) implements Resolution {
        /** The replacement's full name with the index carried over, for renamed parameters. */
        String replacementKey() {
            String replacement = name.replacement().orElse("");
            return index < 0 ? replacement : replacement + index;
        }
    }

    record MissingIndex(Parameter parameter) implements Resolution {
    }

    record IndexOutOfRange(Parameter parameter, int index) implements Resolution {
    }

    record Unknown(Optional<String> suggestion) implements Resolution {
    }

    Resolution resolve(String name) {
        Parameter exact = byName.get(name);
        if (exact != null && exact.indexing() != Parameter.Indexing.REQUIRED) {
            return new Known(exact, -1);
        }
        DeprecatedName old = deprecated.get(name);
        if (old != null && !old.indexed()) {
            return new Deprecated(old, -1);
        }
        int digits = name.length();
        while (digits > 0 && Character.isDigit(name.charAt(digits - 1))) {
            digits--;
        }
        if (digits < name.length() && digits > 0) {
            String base = name.substring(0, digits);
            int index = parseIndex(name.substring(digits));
            Parameter indexed = byName.get(base);
            if (indexed != null && indexed.isIndexed()) {
                return index < 0 || index >= indexed.indexLimit()
                        ? new IndexOutOfRange(indexed, index)
                        : new Known(indexed, index);
            }
            DeprecatedName oldIndexed = deprecated.get(base);
            if (oldIndexed != null && oldIndexed.indexed()) {
                return new Deprecated(oldIndexed, index);
            }
        }
        if (exact != null) {
            return new MissingIndex(exact);
        }
        return new Unknown(suggest(name));
    }

    /** A catalog key ({@code port}, {@code backend_port0}) for code that knows its names. */
    Known resolveKnown(String name) {
        Resolution r = resolve(name);
        if (r instanceof Known known) {
            return known;
        }
        if (r instanceof MissingIndex) {
            throw new IllegalArgumentException("parameter '" + name + "' needs a node index, e.g. " + name + "0");
        }
        if (r instanceof IndexOutOfRange o) {
            throw new IllegalArgumentException("index " + o.index() + " of '" + name + "' is out of range 0.."
                    + (o.parameter().indexLimit() - 1));
        }
        throw new IllegalArgumentException("unknown parameter '" + name + "'");
    }

    private static int parseIndex(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The closest catalog name to a misspelt one (same letters in another case, or at most two
     * edits away; the index of an indexed name is kept).
     */
    Optional<String> suggest(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int digits = lower.length();
        while (digits > 0 && Character.isDigit(lower.charAt(digits - 1))) {
            digits--;
        }
        String base = lower.substring(0, digits);
        String index = lower.substring(digits);
        return byName.values().stream()
                .map(p -> {
                    String candidate = p.isIndexed() && !index.isEmpty() ? p.name() + index : p.name();
                    String compared = p.isIndexed() && !index.isEmpty() ? base : lower;
                    return Map.entry(candidate, editDistance(compared, p.name()));
                })
                .filter(e -> e.getValue() <= Math.min(2, Math.max(1, name.length() / 4)))
                .min(Comparator.comparingInt(Map.Entry::getValue))
                .map(Map.Entry::getKey);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
