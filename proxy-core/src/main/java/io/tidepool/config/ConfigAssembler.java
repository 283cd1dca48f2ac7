package io.tidepool.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks up the names of parsed lines in the catalog and checks their values; collects every error
 * and warning with its file and line. A name set twice keeps the later value (as PostgreSQL and
 * pgpool-II do), with a warning naming both lines.
 */
final class ConfigAssembler {

    private final ParameterCatalog catalog;
    private final Map<String, ConfigSetting> settings = new LinkedHashMap<>();
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    ConfigAssembler(ParameterCatalog catalog) {
        this.catalog = catalog;
    }

    void addAll(List<ConfigEntry> entries) {
        entries.forEach(this::add);
    }

    void error(ConfigProblem problem) {
        errors.add(problem);
    }

    void warning(ConfigProblem problem) {
        warnings.add(problem);
    }

    Map<String, ConfigSetting> settings() {
        return settings;
    }

    List<ConfigProblem> errors() {
        return errors;
    }

    List<ConfigProblem> warnings() {
        return warnings;
    }

    private void add(ConfigEntry entry) {
        ParameterCatalog.Resolution resolution = catalog.resolve(entry.name());
        if (resolution instanceof ParameterCatalog.Known known) {
            store(entry, known);
        } else if (resolution instanceof ParameterCatalog.Deprecated old) {
            String replacementKey = old.replacementKey();
            warn(entry, old.name().warning(entry.name(), replacementKey));
            if (old.name().carriedOver()) {
                store(entry, catalog.resolveKnown(replacementKey));
            }
        } else if (resolution instanceof ParameterCatalog.MissingIndex) {
            fail(entry, missingIndex(entry.name()));
        } else if (resolution instanceof ParameterCatalog.IndexOutOfRange out) {
            fail(entry, indexOutOfRange(entry.name(), out.parameter()));
        } else if (resolution instanceof ParameterCatalog.Unknown unknown) {
            warn(entry, unknown(entry.name(), unknown));
        }
    }

    static String missingIndex(String name) {
        return "parameter '" + name + "' needs a node index, e.g. " + name + "0";
    }

    static String indexOutOfRange(String name, Parameter parameter) {
        return "node index of '" + name + "' is out of range 0.." + (parameter.indexLimit() - 1);
    }

    static String unknown(String name, ParameterCatalog.Unknown unknown) {
        return "unknown parameter '" + name + "' ignored"
                + unknown.suggestion().map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    private void store(ConfigEntry entry, ParameterCatalog.Known known) {
        Parameter parameter = known.parameter();
        ValueParser.Result result = ValueParser.parse(parameter, entry.value());
        if (result instanceof ValueParser.Invalid invalid) {
            fail(entry, ValueParser.message(known.key(), entry.value(), parameter, invalid));
            return;
        }
        Object value = ((ValueParser.Ok) result).value();
        ConfigSetting setting = new ConfigSetting(known.key(), parameter, known.index(), entry.value(), value,
                entry.file(), entry.line());
        ConfigSetting earlier = settings.remove(known.key());
        if (earlier != null && earlier.line() > 0) {
            warn(entry, known.key() + " is set again; this value replaces the one at " + earlier.origin());
        }
        settings.put(known.key(), setting);
    }

    private void fail(ConfigEntry entry, String message) {
        errors.add(new ConfigProblem(entry.file(), entry.line(), message));
    }

    private void warn(ConfigEntry entry, String message) {
        warnings.add(new ConfigProblem(entry.file(), entry.line(), message));
    }
}
