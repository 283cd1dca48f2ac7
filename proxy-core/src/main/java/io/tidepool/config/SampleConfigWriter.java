package io.tidepool.config;

import java.util.List;
import java.util.Locale;

/**
 * Writes the sample {@code pgpool.conf} and {@code tidepool.conf} shipped in {@code assets/} from the
 * catalog, so the samples cannot drift from it (a test compares them). Every parameter appears
 * commented out with its default, as in PostgreSQL's own sample, except the clustering mode and one
 * example backend.
 */
public final class SampleConfigWriter {

    /** Lines written active (not commented out) in the pgpool.conf sample. */
    private static final List<String> ACTIVE = List.of(
            "backend_clustering_mode", "backend_hostname", "backend_port", "backend_weight", "backend_flag");

    private static final int LINE_WIDTH = 96;

    private SampleConfigWriter() {
    }

    /** The sample pgpool.conf: every pgpool-II parameter of the catalog. */
    public static String pgpoolConf(ParameterCatalog catalog) {
        StringBuilder out = new StringBuilder();
        out.append("""
                # pgpool.conf -- sample configuration for Tidepool, readable by pgpool-II 4.7 as well
                #
                # One setting per line: name = value (the '=' may be left out). '#' starts a comment.
                # Quote text with single quotes; write a quote inside as ''. Numbers, on/off and
                # single words need no quotes. Durations and sizes take units: 30s, 5min, 1h, 1d,
                # 500ms; 8kB, 64MB, 1GB. Without a unit the value is in the unit the comment names.
                # include 'other.conf' reads another file (relative to this one).
                #
                # Each setting below shows its default, commented out; remove the '#' to change it.
                # [restart] marks settings read only at start-up; [reload] ones apply on
                # './tidepool reload' (or pcp_reload_config); [session] ones can also be changed
                # per session with PGPOOL SET.
                #
                # Backends are numbered: backend_hostname0, backend_port0, ... for node 0, then 1,
                # and so on. A node exists when its host name or its port is set; a host without
                # port uses 5432, a port without host uses the Unix socket in /tmp.
                # Tidepool's own settings live in tidepool.conf next to this file.
                """);
        for (ParameterGroup group : ParameterGroup.values()) {
            if (group == ParameterGroup.TIDEPOOL) {
                continue;
            }
            section(out, group);
            for (Parameter p : catalog.group(group)) {
                setting(out, p, ACTIVE.contains(p.name()));
            }
        }
        return out.toString();
    }

    /** The sample tidepool.conf: Tidepool's own settings. */
    public static String tidepoolConf(ParameterCatalog catalog) {
        StringBuilder out = new StringBuilder();
        out.append("""
                # tidepool.conf -- Tidepool's own settings (pgpool-II does not read this file)
                #
                # Same syntax as pgpool.conf. Tidepool reads it from the directory of pgpool.conf;
                # a value here wins over the same name in pgpool.conf.
                """);
        section(out, ParameterGroup.TIDEPOOL);
        for (Parameter p : catalog.group(ParameterGroup.TIDEPOOL)) {
            setting(out, p, false);
        }
        return out.toString();
    }

    private static void section(StringBuilder out, ParameterGroup group) {
        String rule = "#" + "-".repeat(78) + "\n";
        out.append('\n').append(rule).append("# ").append(group.title().toUpperCase(Locale.ROOT)).append('\n')
                .append(rule).append('\n');
    }

    private static void setting(StringBuilder out, Parameter p, boolean active) {
        String tags = tags(p);
        if (p.description().length() + tags.length() + 3 <= LINE_WIDTH) {
            out.append("# ").append(p.description()).append(' ').append(tags).append('\n');
        } else {
            out.append("# ").append(p.description()).append('\n').append("#   ").append(tags).append('\n');
        }
        String name = p.isIndexed() && p.indexing() == Parameter.Indexing.REQUIRED ? p.name() + "0" : p.name();
        String value = p.indexing() == Parameter.Indexing.REQUIRED ? p.exampleText() : p.defaultText();
        out.append(active ? "" : "#").append(name).append(" = ").append(literal(p, value)).append('\n');
        if (p.indexing() == Parameter.Indexing.OPTIONAL) {
            out.append("#").append(p.name()).append("0 = ").append(literal(p, p.defaultText()))
                    .append("    # node 0 only; falls back to ").append(p.name()).append('\n');
        }
    }

    private static String tags(Parameter p) {
        StringBuilder tags = new StringBuilder("[").append(p.context().name().toLowerCase(Locale.ROOT));
        if (p.type() == ParameterType.INT && p.unit() != ValueUnit.NONE) {
            tags.append("; unit ").append(p.unit().symbol());
        }
        if (p.type() == ParameterType.ENUM) {
            tags.append("; ").append(String.join(" | ", p.visibleOptionNames()));
        }
        if (p.indexing() == Parameter.Indexing.REQUIRED) {
            tags.append("; per node: ").append(p.name()).append("0..").append(p.indexLimit() - 1);
        }
        return tags.append("]").toString();
    }

    /** Writes a value so that the parser reads it back unchanged. */
    static String literal(Parameter p, String value) {
        return switch (p.type()) {
            case BOOL, INT, REAL -> value;
            case STRING, ENUM, LIST -> "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
        };
    }
}
