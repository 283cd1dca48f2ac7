package io.tidepool.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded, validated pgpool.conf: typed access to every parameter of the
 * {@link ParameterCatalog}, defaults filled in. Immutable; a reload produces a new instance.
 *
 * <p>API contract shared by every module (the config owner fills in the implementation):
 * names are pgpool.conf names; indexed parameters are addressed with their index
 * ({@code backend_hostname0}).
 */
public final class PgpoolConfig {

    /** Reads and validates a pgpool.conf (following {@code include}); all problems at once. */
    public static PgpoolConfig load(Path file) throws ConfigException {
        throw new UnsupportedOperationException("config: not implemented yet");
    }

    /** Builds a configuration from name/value pairs as they would appear in a file (for tests, the demo). */
    public static PgpoolConfig fromMap(Map<String, String> values) throws ConfigException {
        throw new UnsupportedOperationException("config: not implemented yet");
    }

    public String getString(String name) {
        throw new UnsupportedOperationException("config: not implemented yet");
    }

    public int getInt(String name) {
        throw new UnsupportedOperationException("config: not implemented yet");
    }

    public boolean getBoolean(String name) {
        throw new UnsupportedOperationException("config: not implemented yet");
    }

    public double getDouble(String name) {
        throw new UnsupportedOperationException("config: not implemented yet");
    }

    /** A comma-separated list parameter, items trimmed, empty items dropped. */
    public List<String> getList(String name) {
        throw new UnsupportedOperationException("config: not implemented yet");
    }

    /** Configured backends ordered by index; gaps in the numbering are kept out. */
    public List<BackendDefinition> backends() {
        throw new UnsupportedOperationException("config: not implemented yet");
    }
}
