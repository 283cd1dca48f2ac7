package io.tidepool.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a reload changes: every parameter whose effective value differs between the running and the
 * newly loaded configuration, split into what a reload applies and what needs a restart, so the
 * server can log {@code parameter port changed; restart to apply}.
 *
 * <p>Backends follow pgpool-II's rule: a reload may add backend slots and change weights and flags,
 * but an existing slot cannot be pointed at another server (host, port or data directory) and a slot
 * cannot be removed without a restart.
 */
public final class ConfigDiff {

    /**
     * One changed parameter.
     *
     * @param key             full name with index ({@code backend_port1})
     * @param oldValue        canonical text before; {@code *****} for passwords
     * @param newValue        canonical text after; {@code *****} for passwords
     * @param appliesOnReload false when only a restart applies it
     */
    public record Change(String key, Parameter parameter, String oldValue, String newValue, boolean appliesOnReload) {

        /** The log line for a change that waits for a restart. */
        public String restartMessage() {
            return "parameter " + key + " changed; restart to apply";
        }
    }

    private static final Set<String> BACKEND_IDENTITY = Set.of(
            "backend_hostname", "backend_port", "backend_data_directory");

    private final List<Change> changes;

    private ConfigDiff(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    public static ConfigDiff between(PgpoolConfig before, PgpoolConfig after) {
        ParameterCatalog catalog = after.catalog();
        Set<String> keys = new LinkedHashSet<>();
        for (Parameter p : catalog.all()) {
            if (p.indexing() != Parameter.Indexing.REQUIRED) {
                keys.add(p.name());
            }
        }
        keys.addAll(before.settings().keySet());
        keys.addAll(after.settings().keySet());

        Set<Integer> oldSlots = slots(before);
        Set<Integer> newSlots = slots(after);
        List<Change> changes = new ArrayList<>();
        for (String key : keys) {
            ParameterCatalog.Known known = catalog.resolveKnown(key);
            Parameter p = known.parameter();
            String oldText = canonical(p, before.value(known));
            String newText = canonical(p, after.value(known));
            if (oldText.equals(newText)) {
                continue;
            }
            boolean reload = p.context().appliesOnReload();
            if (p.group() == ParameterGroup.BACKENDS && known.index() >= 0) {
                boolean slotRemoved = oldSlots.contains(known.index()) && !newSlots.contains(known.index());
                boolean existingMoved = oldSlots.contains(known.index()) && BACKEND_IDENTITY.contains(p.name());
                reload = reload && !slotRemoved && !existingMoved;
            }
            changes.add(new Change(key, p, mask(p, oldText), mask(p, newText), reload));
        }
        List<Parameter> order = catalog.all();
        changes.sort(Comparator.comparingInt((Change c) -> order.indexOf(c.parameter()))
                .thenComparing(Change::key));
        return new ConfigDiff(changes);
    }

    private static Set<Integer> slots(PgpoolConfig config) {
        Set<Integer> slots = new LinkedHashSet<>();
        config.backends().forEach(b -> slots.add(b.id()));
        return slots;
    }

    /** Enum aliases compare by their code ({@code debug} is {@code debug2}). */
    private static String canonical(Parameter p, Object value) {
        if (value instanceof EnumOption option) {
            return p.options().stream().filter(o -> o.code() == option.code() && !o.hidden())
                    .findFirst().orElse(option).name();
        }
        return ValueParser.format(p, value);
    }

    private static String mask(Parameter p, String text) {
        return p.isSecret() && !text.isEmpty() ? "*****" : text;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Every changed parameter, in catalog order. */
    public List<Change> changes() {
        return changes;
    }

    /** Changes a reload applies. */
    public List<Change> reloadable() {
        return changes.stream().filter(Change::appliesOnReload).toList();
    }

    /** Changes that wait for a restart. */
    public List<Change> needsRestart() {
        return changes.stream().filter(c -> !c.appliesOnReload()).toList();
    }

    /** Names of the changes that wait for a restart ({@link io.tidepool.server.ProxyServer#reload}'s result). */
    public List<String> restartRequiredNames() {
        return needsRestart().stream().map(Change::key).toList();
    }
}
